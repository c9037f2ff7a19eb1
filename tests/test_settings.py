from pathlib import Path

import pytest

from cibgraph.errors import ConfigError
from cibgraph.settings import Settings, validate_uri


@pytest.mark.parametrize(
    "uri",
    [
        "bolt://localhost:7687",
        "neo4j://cluster.example.org:7687",
        "bolt+s://db.example.org",
        "neo4j+s://abc.databases.neo4j.io",
        "bolt+ssc://10.0.0.5:7687",
    ],
)
def test_accepts_every_driver_scheme(uri: str) -> None:
    assert Settings.from_env(environ={"CIBGRAPH_URI": uri}).uri == uri


@pytest.mark.parametrize("uri", ["http://localhost:7474", "localhost:7687", "bolt://", "redis://x"])
def test_rejects_unusable_uri_with_the_schemes_named(uri: str) -> None:
    with pytest.raises(ConfigError, match=r"bolt, bolt\+s, bolt\+ssc, neo4j"):
        validate_uri(uri)


def test_no_uri_means_embedded_with_data_dir_from_env(tmp_path: Path) -> None:
    s = Settings.from_env(environ={"CIBGRAPH_DATA_DIR": str(tmp_path)})
    assert s.embedded and s.uri is None and s.data_dir == tmp_path.resolve()


def test_explicit_values_win_over_environment() -> None:
    env = {"CIBGRAPH_URI": "bolt://a:1", "CIBGRAPH_USER": "envuser", "CIBGRAPH_DATABASE": "envdb"}
    s = Settings.from_env(uri="neo4j://b:2", user="cliuser", environ=env)
    assert (s.uri, s.user, s.database) == ("neo4j://b:2", "cliuser", "envdb")


def test_password_from_env_is_kept_out_of_repr() -> None:
    s = Settings.from_env(environ={"CIBGRAPH_URI": "bolt://a:1", "CIBGRAPH_PASSWORD": "hunter22"})
    assert s.password == "hunter22"
    assert "hunter22" not in repr(s)


def test_password_file_must_be_private(tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("s3cret-pass\n")
    secret.chmod(0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        Settings.from_env(password_file=secret, environ={})
    secret.chmod(0o600)
    assert Settings.from_env(password_file=secret, environ={}).password == "s3cret-pass"


def test_password_file_env_wins_over_password_env(tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("from-file")
    secret.chmod(0o600)
    env = {"CIBGRAPH_PASSWORD_FILE": str(secret), "CIBGRAPH_PASSWORD": "from-env"}
    assert Settings.from_env(environ=env).password == "from-file"


def test_missing_password_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        Settings.from_env(password_file=tmp_path / "nope", environ={})
