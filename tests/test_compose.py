"""docker-compose.yml cannot run here (no Docker engine): check its structure instead."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def load() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_neo4j_5_community_with_apoc_and_gds() -> None:
    neo = load()["services"]["neo4j"]
    image, tag = neo["image"].split(":")
    assert image == "neo4j"
    major, minor = (int(x) for x in tag.split("-")[0].split(".")[:2])
    assert (major, minor) >= (5, 26) and tag.endswith("-community")
    env = neo["environment"]
    assert yaml.safe_load(env["NEO4J_PLUGINS"]) == ["apoc", "graph-data-science"]
    assert "gds.*" in env["NEO4J_dbms_security_procedures_unrestricted"]


def test_ports_volumes_memory_and_healthcheck() -> None:
    doc = load()
    neo = doc["services"]["neo4j"]
    ports = {p.rsplit(":", 1)[-1] for p in neo["ports"]}
    assert ports == {"7474", "7687"}
    mounts = {v.split(":")[1] for v in neo["volumes"]}
    assert {"/data", "/logs", "/import"} <= mounts
    named = {v.split(":")[0] for v in neo["volumes"]}
    assert named <= set(doc["volumes"])
    env = neo["environment"]
    for key in ("NEO4J_server_memory_heap_max__size", "NEO4J_server_memory_pagecache_size"):
        assert key in env
    assert neo["healthcheck"]["test"] and neo["healthcheck"]["retries"] >= 3


def test_password_comes_from_env_file_with_no_default() -> None:
    auth = load()["services"]["neo4j"]["environment"]["NEO4J_AUTH"]
    assert auth.startswith("neo4j/${NEO4J_PASSWORD:?")  # compose fails if unset
    example = (ROOT / ".env.example").read_text()
    assert "NEO4J_PASSWORD=\n" in example
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()
