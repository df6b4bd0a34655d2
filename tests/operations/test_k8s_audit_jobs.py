"""The audit tool on the cluster: a read-only audit Job and console under the ServiceAccount and
database role "audit", a separate erasure Job under "erasure", both roles kept by CloudNativePG
in every store and granted by the services' migrations; identifiers come from a Secret."""

from __future__ import annotations

from typing import Any

from kustomize_lite import render
from test_k8s_manifests import K8S, of_kind, rendered, validate

from shared import service_registry


def jobs() -> list[dict[str, Any]]:
    return render(K8S / "jobs")


def pod_of(document: dict[str, Any]) -> dict[str, Any]:
    return document["spec"] if document["kind"] == "Pod" else document["spec"]["template"]["spec"]


def env_of(container: dict[str, Any]) -> dict[str, Any]:
    return {variable["name"]: variable for variable in container["env"]}


def test_the_jobs_render_and_validate() -> None:
    documents = jobs()
    for document in documents:
        validate(document)
        assert document["metadata"]["namespace"] == "caf-prod"
    assert {(d["kind"], d["metadata"]["name"]) for d in documents} >= {
        ("Job", "audit"),
        ("Pod", "audit-console"),
        ("Job", "erasure"),
        ("ServiceAccount", "audit"),
        ("ServiceAccount", "erasure"),
    }


def test_audit_and_erasure_run_under_their_own_account_role_and_credentials() -> None:
    documents = jobs()
    expected = {
        ("Job", "audit"): ("audit", "db-audit-credentials"),
        ("Pod", "audit-console"): ("audit", "db-audit-credentials"),
        ("Job", "erasure"): ("erasure", "db-erasure-credentials"),
    }
    for document in documents:
        key = (document["kind"], document["metadata"]["name"])
        if key not in expected:
            continue
        account, credentials = expected[key]
        pod = pod_of(document)
        assert pod["serviceAccountName"] == account
        assert pod["automountServiceAccountToken"] is False
        (container,) = pod["containers"]
        assert container["image"].startswith("registry.example.invalid/caf/connexion:")
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        env = env_of(container)
        assert env["DATABASE_READ_ONLY"]["value"] == "true"
        assert "AUDIT_OPERATOR" in env and "AUDIT_REASON" in env
        assert env["DB_USER"]["valueFrom"]["secretKeyRef"]["name"] == credentials
        for name in service_registry.names():
            url = env[f"{name.upper()}_DATABASE_URL"]["value"]
            assert url == (
                f"postgresql://$(DB_USER):$(DB_PASSWORD)@{name}-db-rw:5432/{name}"
                f"?sslmode=verify-full&sslrootcert=/etc/caf/tls/{name}-db/ca.crt"
            )
        secrets = {ref["secretRef"]["name"] for ref in container["envFrom"] if "secretRef" in ref}
        assert secrets == {"platform-secrets"}  # no service's whole Secret
        for name in service_registry.names():  # each store opened with its own key, only it
            reference = env[f"{name.upper()}_PERSONAL_DATA_MASTER_KEY"]["valueFrom"]
            assert reference["secretKeyRef"] == {
                "name": f"{name}-secrets",
                "key": "PERSONAL_DATA_MASTER_KEY",
            }


def test_the_erasure_reads_the_identifier_from_a_secret_and_no_identifier_is_written_down() -> None:
    documents = {(d["kind"], d["metadata"]["name"]): d for d in jobs()}
    (erasure,) = pod_of(documents[("Job", "erasure")])["containers"]
    assert erasure["command"] == ["python", "-m", "audit"]
    assert erasure["args"] == ["erase", "--yes"]
    reference = env_of(erasure)["AUDIT_IDENTIFIER"]["valueFrom"]["secretKeyRef"]
    assert reference == {"name": "erasure-request", "key": "identifier"}
    (audit,) = pod_of(documents[("Job", "audit")])["containers"]
    assert audit["args"] in (["replay-check"], ["chain-check"])  # no personal data printed
    (console,) = pod_of(documents[("Pod", "audit-console")])["containers"]
    assert "audit" not in " ".join(console["command"])  # the DPO types the command inside


def test_every_store_keeps_both_roles_and_the_migration_grants_them() -> None:
    documents = rendered("prod")
    for name in service_registry.names():
        roles = {
            role["name"]: role["passwordSecret"]["name"]
            for role in of_kind(documents, "Cluster")[f"{name}-db"]["spec"]["managed"]["roles"]
        }
        expected = {"audit": "db-audit-credentials", "erasure": "db-erasure-credentials"}
        if name in ("identity", "lockout", "notification"):  # rows in the retention table
            expected["retention"] = "db-retention-credentials"
        assert roles == expected
    platform = of_kind(documents, "ConfigMap")["platform-config"]["data"]
    assert (platform["DATABASE_AUDIT_ROLE"], platform["DATABASE_ERASURE_ROLE"]) == (
        "audit",
        "erasure",
    )


def test_the_audit_pods_reach_every_store_and_nothing_reaches_them() -> None:
    (policy,) = of_kind(jobs(), "NetworkPolicy").values()
    spec = policy["spec"]
    assert spec["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "audit"}
    assert "ingress" not in spec and set(spec["policyTypes"]) == {"Ingress", "Egress"}
    stores = {
        peer["podSelector"]["matchLabels"].get("cnpg.io/cluster")
        for rule in spec["egress"]
        for peer in rule["to"]
    }
    assert {f"{name}-db" for name in service_registry.names()} <= stores


def test_each_store_opens_from_what_the_jobs_are_given(test_secrets: dict[str, Any]) -> None:
    """The Jobs' variables, resolved as Kubernetes would (ConfigMaps with their prefixes, fake
    Secret values), give every registered store settings that parse, read-only, on its cluster."""
    from test_k8s_manifests import SERVICES

    config_maps = of_kind(rendered("prod"), "ConfigMap")
    fake_secret = {**test_secrets, "SMS_GATEWAY_TOKEN": "x", "SESSION_SIGNING_JWK": "{}"}
    for document in jobs():
        if document["kind"] not in ("Job", "Pod"):
            continue
        (container,) = pod_of(document)["containers"]
        mapping: dict[str, str] = {}
        for source in container["envFrom"]:
            prefix = source.get("prefix", "")
            if "configMapRef" in source:
                data = config_maps[source["configMapRef"]["name"]]["data"]
            else:
                data = fake_secret
            mapping.update({prefix + key: str(value) for key, value in data.items()})
        for variable in container["env"]:
            reference = variable.get("valueFrom", {}).get("secretKeyRef", {})
            value = variable.get("value", fake_secret.get(reference.get("key", ""), "x"))
            mapping[variable["name"]] = value.replace("$(DB_USER)", "u").replace(
                "$(DB_PASSWORD)", "p"
            )
        mapping["AUDIT_OPERATOR"] = "dpo.martin"
        for name, settings_class in SERVICES.items():
            settings = settings_class.for_tool(mapping, name)  # as audit/stores.py opens it
            assert settings.database_read_only is True
            assert settings.database_url == (
                f"postgresql://u:p@{name}-db-rw:5432/{name}"
                f"?sslmode=verify-full&sslrootcert=/etc/caf/tls/{name}-db/ca.crt"
            )
            assert settings.environment == "production"
