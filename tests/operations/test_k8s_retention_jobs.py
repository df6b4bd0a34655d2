"""deploy/k8s: every store with rows in the retention table has its nightly retention CronJob,
running the audit tool's `retention` on that store with the service's own settings and secret
references, and reaching only its store and DNS (the Pushgateway, when set:
site/retention-pushgateway.yaml)."""

from __future__ import annotations

import pytest
from kustomize_lite import render
from test_k8s_manifests import K8S, OVERLAYS, of_kind

from shared.privacy.retention import TABLE

STORES = sorted(
    {s.strip() for row in TABLE if row.mechanism != "file" for s in row.store.split(",")}
)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_store_with_rows_expires_them_nightly_with_its_own_settings(overlay: str) -> None:
    documents = render(K8S / "overlays" / overlay)
    jobs, deployments = of_kind(documents, "CronJob"), of_kind(documents, "Deployment")
    policies = of_kind(documents, "NetworkPolicy")
    assert STORES == ["identity", "lockout", "notification"]
    for store in STORES:
        job = jobs[f"retention-{store}"]["spec"]
        assert job["concurrencyPolicy"] == "Forbid"
        pod = job["jobTemplate"]["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        assert container["command"] == ["python", "-m", "audit"]
        assert container["args"] == ["retention", "--store", store]
        service = deployments[store]["spec"]["template"]["spec"]["containers"][0]
        assert container["envFrom"] == service["envFrom"]
        env = {e["name"]: e for e in service["env"]}
        mine = {e["name"]: e for e in container["env"]}
        for name in ("PSEUDONYM_KEY", "PERSONAL_DATA_MASTER_KEY"):
            assert mine[name] == env[name], name  # the service's own keys
        # its own store, as the role "retention" (never the owner), creating no table
        assert mine["DATABASE_URL"]["value"] == (
            f"postgresql://$(DB_USER):$(DB_PASSWORD)@{store}-db-rw:5432/{store}"
        )
        assert mine["DB_USER"]["valueFrom"]["secretKeyRef"]["name"] == "db-retention-credentials"
        assert mine["DATABASE_READ_ONLY"]["value"] == "true"
        assert "DATABASE_POOL_URL" not in mine  # straight to the database, like migrations
        labels = jobs[f"retention-{store}"]["spec"]["jobTemplate"]["spec"]["template"]["metadata"][
            "labels"
        ]
        assert labels["app.kubernetes.io/name"] == f"retention-{store}"  # never the service's pods
        policy = policies[f"retention-{store}"]["spec"]
        assert policy["ingress"] == []
        targets = {
            next(
                iter((peer.get("podSelector") or peer["namespaceSelector"])["matchLabels"].values())
            )
            for rule in policy["egress"]
            for peer in rule["to"]
        }
        assert targets == {"kube-dns", f"{store}-db"}
