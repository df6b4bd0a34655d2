"""The portal's pages, one blueprint per journey of the seed."""
