"""The project's own tools, run from a checkout (never shipped in the image): they may read every
part of the system, the platform (shared/), the services and the gateway alike."""
