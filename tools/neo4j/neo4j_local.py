#!/usr/bin/env python3
"""A real Neo4j Community 5.26 server on loopback, from Maven Central jars (no Docker).

    scripts/neo4j-local start DIR    resolve the jars, start detached, wait for Bolt, print
                                     `export CIBGRAPH_...` lines (eval them)
    scripts/neo4j-local stop DIR     stop it and wait until the process has ended
    scripts/neo4j-local status DIR   exit 0 if it runs, 3 if not
    scripts/neo4j-local admin DIR ARGS...   neo4j-admin (org.neo4j.cli.AdminTool) on DIR,
                                     e.g. `admin DIR database import full ...` (server stopped)

    eval "$(scripts/neo4j-local start /tmp/neo4j-try)"

DIR holds everything of that server: conf/neo4j.conf (generated at each start), data/,
logs/, import/, password (0600, made at first start) and neo4j-local.json (pid, ports).
Bolt and HTTP listen on 127.0.0.1 only, on free ports (the previous ones when still free).
The password never appears in a command line: neo4j-admin reads it from a 0600 @file.

Environment (all optional):
  NEO4J_LOCAL_HEAP=512m        JVM heap (-Xms/-Xmx); at least 256m
  NEO4J_LOCAL_PAGECACHE=128m   server.memory.pagecache.size
  NEO4J_LOCAL_PLUGINS=1        0: start without APOC and GDS (faster start)
  NEO4J_LOCAL_BOLT_PORT=0      fixed ports instead of free ones
  NEO4J_LOCAL_HTTP_PORT=0
  NEO4J_LOCAL_JAVA=java        Java 17 or 21 (default: $JAVA_HOME/bin/java, else java)
  NEO4J_LOCAL_JAVA_OPTS=       extra JVM options, split on spaces
  NEO4J_LOCAL_TIMEOUT=240      seconds to wait for Bolt
  NEO4J_LOCAL_MVN=mvn          Maven
  NEO4J_LOCAL_ADMIN_HEAP=1g    heap of `admin` (neo4j-admin) runs
Extra neo4j.conf lines: put them in DIR/neo4j-extra.conf (appended at each start; a setting
there replaces the generated one).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
POM = TOOLS / "pom.xml"
TARGET = TOOLS / "target"
LIB = TARGET / "lib"
PLUGINS = TARGET / "plugins"
STAMP = TARGET / ".resolved"
STATE = "neo4j-local.json"
ENTRY = "org.neo4j.server.CommunityEntryPoint"
ADMIN = "org.neo4j.cli.AdminTool"
MIN_HEAP = 256 * 1024 * 1024

# What Neo4j's own launcher adds (server.jvm.additional of the stock neo4j.conf), less
# AlwaysPreTouch; plus ExitOnOutOfMemoryError so a too-small heap ends the process.
JVM_OPTS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-Dlog4j2.disable.jmx=true",
    "-Dlog4j.layout.jsonTemplate.maxStringLength=32768",
    "-Dfile.encoding=UTF-8",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
]


class Failure(Exception):
    """One line for stderr, then exit 1."""


def say(msg: str) -> None:
    print(f"neo4j-local: {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- helpers


def env(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


def parse_size(text: str) -> int:
    m = re.fullmatch(r"(\d+)([kmgt]?)b?", text.strip().lower())
    if not m:
        raise Failure(f"cannot read size {text!r}: use e.g. 512m or 1g")
    return int(m.group(1)) * 1024 ** " kmgt".index(m.group(2) or " ")


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie nobody reaped yet is gone for our purposes
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def is_our_server(pid: int, home: Path) -> bool:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return ENTRY.encode() in argv and f"--home-dir={home}".encode() in argv


def read_state(home: Path) -> dict:
    try:
        return json.loads((home / STATE).read_text())
    except (OSError, ValueError):
        return {}


def write_state(home: Path, state: dict) -> None:
    tmp = home / (STATE + ".tmp")
    tmp.write_text(json.dumps(state, indent=2) + "\n")
    tmp.replace(home / STATE)


def running_pid(home: Path) -> int | None:
    pid = read_state(home).get("pid")
    if isinstance(pid, int) and pid_alive(pid) and is_our_server(pid, home):
        return pid
    return None


@contextlib.contextmanager
def locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(avoid: set[int]) -> int:
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in avoid:
            return port
    raise Failure("found no free port on 127.0.0.1")


def pick_port(var: str, previous: object, avoid: set[int]) -> int:
    fixed = env(var, "0")
    if not fixed.isdigit() or not 0 <= int(fixed) < 65536:
        raise Failure(f"{var}={fixed!r} is not a port number")
    if int(fixed):
        if not port_free(int(fixed)):
            raise Failure(f"port {fixed} on 127.0.0.1 is in use ({var})")
        return int(fixed)
    if isinstance(previous, int) and previous not in avoid and port_free(previous):
        return previous
    return free_port(avoid)


def tcp_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


# ---------------------------------------------------------------- java and jars


def find_java() -> tuple[str, int]:
    java = os.environ.get("NEO4J_LOCAL_JAVA") or (
        str(Path(os.environ["JAVA_HOME"]) / "bin" / "java")
        if os.environ.get("JAVA_HOME")
        else "java"
    )
    path = shutil.which(java)
    if not path:
        raise Failure(
            f"no Java found ({java}): Neo4j 5.26 needs Java 17 or 21 "
            "(set JAVA_HOME or NEO4J_LOCAL_JAVA)"
        )
    out = subprocess.run([path, "-version"], capture_output=True, text=True).stderr
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    major = int(m.group(1)) if m else 0
    if major == 1 and m and m.group(2):
        major = int(m.group(2))
    if major not in (17, 21):
        raise Failure(
            f"{path} is Java {major or '?'}: Neo4j 5.26 runs on Java 17 or 21 "
            "(set JAVA_HOME or NEO4J_LOCAL_JAVA)"
        )
    return path, major


def resolve_jars() -> None:
    """Copy the jars into tools/neo4j/target (Maven, offline first) unless the pom is unchanged."""
    digest = hashlib.sha256(POM.read_bytes()).hexdigest()
    with locked(TARGET / ".lock"):
        if STAMP.exists() and STAMP.read_text().strip() == digest and any(LIB.glob("neo4j-*.jar")):
            return
        mvn = shutil.which(env("NEO4J_LOCAL_MVN", "mvn"))
        if not mvn:
            raise Failure("no Maven (mvn) found: it resolves the Neo4j jars from Maven Central")
        shutil.rmtree(LIB, ignore_errors=True)
        shutil.rmtree(PLUGINS, ignore_errors=True)
        log = TARGET / "mvn.log"
        cmd = [mvn, "-q", "-B", "-Dstyle.color=never", "-f", str(POM), "package"]
        say("resolving the Neo4j jars with Maven (tools/neo4j/pom.xml)")
        with open(log, "w") as fh:
            offline = [*cmd[:1], "-o", *cmd[1:]]
            ok = subprocess.run(offline, stdout=fh, stderr=subprocess.STDOUT).returncode == 0
        if not ok:
            with open(log, "w") as fh:
                ok = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT).returncode == 0
        if not ok or not any(LIB.glob("neo4j-*.jar")):
            first = next(
                (
                    re.sub(r"\x1b\[[0-9;]*m", "", ln).strip()
                    for ln in log.read_text(errors="replace").splitlines()
                    if "[ERROR]" in ln
                ),
                "",
            )
            raise Failure(
                "Maven could not resolve the Neo4j jars "
                f"({first[:200] or 'no error printed'}); see {log}"
            )
        STAMP.write_text(digest + "\n")


def neo4j_version() -> str:
    for jar in LIB.glob("neo4j-kernel-*.jar"):
        m = re.fullmatch(r"neo4j-kernel-(\d[\w.-]*)\.jar", jar.name)
        if m:
            return m.group(1)
    return "?"


def classpath(plugins: bool) -> str:
    # As Neo4j's own launcher: plugins/* then lib/* (kernel extensions load from the classpath).
    parts = [f"{PLUGINS}/*"] if plugins else []
    return ":".join([*parts, f"{LIB}/*"])


# ---------------------------------------------------------------- the server


def write_conf(home: Path, bolt: int, http: int, plugins: bool) -> None:
    plugin_dir = PLUGINS if plugins else home / "plugins"
    lines = [
        "# Written by scripts/neo4j-local at each start; put your own lines in ../neo4j-extra.conf",
        "server.default_listen_address=127.0.0.1",
        "server.default_advertised_address=127.0.0.1",
        "server.bolt.enabled=true",
        f"server.bolt.listen_address=127.0.0.1:{bolt}",
        f"server.bolt.advertised_address=127.0.0.1:{bolt}",
        "server.http.enabled=true",
        f"server.http.listen_address=127.0.0.1:{http}",
        f"server.http.advertised_address=127.0.0.1:{http}",
        "server.https.enabled=false",
        f"server.directories.data={home / 'data'}",
        f"server.directories.logs={home / 'logs'}",
        f"server.directories.import={home / 'import'}",
        f"server.directories.run={home / 'run'}",
        f"server.directories.plugins={plugin_dir}",
        f"server.directories.lib={LIB}",
        f"server.memory.heap.initial_size={env('NEO4J_LOCAL_HEAP', '512m')}",
        f"server.memory.heap.max_size={env('NEO4J_LOCAL_HEAP', '512m')}",
        f"server.memory.pagecache.size={env('NEO4J_LOCAL_PAGECACHE', '128m')}",
        "dbms.security.auth_enabled=true",
        "dbms.security.procedures.unrestricted=apoc.*,gds.*",
        "dbms.usage_report.enabled=false",
        # Bolt otherwise waits 2 x 5 s for idle Netty threads when the server stops.
        "internal.dbms.bolt.netty_server_shutdown_quiet_period=0",
    ]
    extra = home / "neo4j-extra.conf"
    if extra.exists():  # its settings replace ours (Neo4j refuses a setting given twice)
        own = extra.read_text().splitlines()
        keys = {ln.split("=", 1)[0].strip() for ln in own if "=" in ln and not ln.startswith("#")}
        lines = [ln for ln in lines if ln.split("=", 1)[0] not in keys]
        lines += ["# from neo4j-extra.conf", *own]
    conf = home / "conf" / "neo4j.conf"
    conf.parent.mkdir(exist_ok=True)
    fd = os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write("\n".join(lines) + "\n")


def admin_env(home: Path) -> dict:
    e = dict(os.environ)
    e["NEO4J_HOME"] = str(home)
    e["NEO4J_CONF"] = str(home / "conf")
    return e


def ensure_password(home: Path, java: str) -> None:
    pw_file = home / "password"
    initialised = (home / "data" / "databases" / "system").exists()
    if initialised:
        if not pw_file.exists():
            raise Failure(
                f"{pw_file} is missing but {home / 'data'} already holds a database: "
                "restore the file or remove data/"
            )
        return
    if not pw_file.exists():
        alphabet = string.ascii_letters + string.digits
        password = "".join(secrets.choice(alphabet) for _ in range(32))
        fd = os.open(pw_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(password + "\n")
    os.chmod(pw_file, 0o600)
    password = pw_file.read_text().strip()
    if (
        len(password) < 8
        or not re.fullmatch(r"[A-Za-z0-9_.,:;+=%~!?*/^$()\[\]{}|<>-]+", password)
        or password[0] in "-@"
    ):
        raise Failure(
            f"{pw_file}: the password must have 8+ characters, no spaces, quotes, '#' or "
            "'\\', and not start with - or @"
        )
    # neo4j-admin (picocli) expands @file arguments, so the password never reaches argv.
    argfile = home / "run" / "initial-password.args"
    argfile.parent.mkdir(exist_ok=True)
    fd = os.open(argfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(password + "\n")
    try:
        res = subprocess.run(
            [
                java,
                "-Xmx128m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                classpath(False),
                ADMIN,
                "dbms",
                "set-initial-password",
                f"@{argfile}",
            ],
            env=admin_env(home),
            capture_output=True,
            text=True,
        )
    finally:
        argfile.unlink(missing_ok=True)
    if res.returncode != 0:
        msg = (res.stderr.strip() or res.stdout.strip()).splitlines()
        raise Failure(f"setting the initial password failed: {msg[0] if msg else res.returncode}")


def failure_reason(home: Path, code: int, bolt: int, http: int) -> str:
    text = ""
    for name in ("console.log", "neo4j.log"):
        with contextlib.suppress(OSError):
            text += (home / "logs" / name).read_text(errors="replace") + "\n"
    # -XX:+ExitOnOutOfMemoryError exits with status 3; Neo4j's daemon mode may eat its message.
    if "OutOfMemoryError" in text or code == 3:
        oom = re.search(r".*OutOfMemoryError.*", text)
        detail = oom.group(0).strip()[:160] if oom else "Java ended on OutOfMemoryError (status 3)"
        heap = env("NEO4J_LOCAL_HEAP", "512m")
        return f"the heap is too small (NEO4J_LOCAL_HEAP={heap}): {detail}"
    m = re.search(r"Address (\S+) is already in use", text)
    if m:
        return f"{m.group(1)} is in use"
    if "Address already in use" in text or "BindException" in text:
        return f"port {bolt} or {http} on 127.0.0.1 is in use"
    for ln in text.splitlines():
        if " ERROR " in ln or ln.startswith(("Error", "Exception", "Caused by")):
            return ln.strip()[:300]
    tail = [ln for ln in text.splitlines() if ln.strip()][-1:]
    return tail[0][:300] if tail else "no message"


def bolt_ready(bolt: int, password: str) -> bool:
    if not tcp_open(bolt):
        return False
    try:
        from neo4j import GraphDatabase
    except ImportError:  # no driver here: an open Bolt port has to do
        return True
    logging.getLogger("neo4j").setLevel(logging.CRITICAL)  # refused tries are expected
    try:
        with GraphDatabase.driver(
            f"bolt://127.0.0.1:{bolt}",
            auth=("neo4j", password),
            connection_timeout=3,
            max_connection_lifetime=5,
        ) as drv:
            drv.verify_connectivity()
            with drv.session() as s:
                s.run("RETURN 1").consume()
        return True
    except Exception:
        return False


def browser_served(http: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{http}/browser/", timeout=3) as r:
            return r.status == 200
    except Exception:
        return False


def print_exports(home: Path, state: dict) -> None:
    print(f"export CIBGRAPH_URI=bolt://127.0.0.1:{state['bolt_port']}")
    print("export CIBGRAPH_USER=neo4j")
    print(f"export CIBGRAPH_PASSWORD_FILE={shlex.quote(str(home / 'password'))}")
    if state.get("browser"):
        print(f"# browser: http://127.0.0.1:{state['http_port']}/browser/")


def stop_pid(pid: int, timeout: float) -> bool:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    for _ in range(50):
        if not pid_alive(pid):
            break
        time.sleep(0.1)
    return False


def start(home: Path) -> int:
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    with locked(home / "run" / "neo4j-local.lock"):
        pid = running_pid(home)
        if pid:
            print_exports(home, read_state(home))
            return 0
        heap = env("NEO4J_LOCAL_HEAP", "512m")
        if parse_size(heap) < MIN_HEAP:
            raise Failure(
                f"heap {heap} is too small: Neo4j with APOC and GDS needs "
                "NEO4J_LOCAL_HEAP=256m or more (default 512m)"
            )
        parse_size(env("NEO4J_LOCAL_PAGECACHE", "128m"))
        java, _ = find_java()
        resolve_jars()
        plugins = env("NEO4J_LOCAL_PLUGINS", "1") not in ("0", "false", "no")
        for sub in ("data", "logs", "import", "run", "plugins", "conf"):
            (home / sub).mkdir(exist_ok=True)
        previous = read_state(home)
        bolt = pick_port("NEO4J_LOCAL_BOLT_PORT", previous.get("bolt_port"), set())
        http = pick_port("NEO4J_LOCAL_HTTP_PORT", previous.get("http_port"), {bolt})
        write_conf(home, bolt, http, plugins)
        ensure_password(home, java)
        password = (home / "password").read_text().strip()

        cmd = [
            java,
            f"-Xms{heap}",
            f"-Xmx{heap}",
            *JVM_OPTS,
            *env("NEO4J_LOCAL_JAVA_OPTS", "").split(),
            "-cp",
            classpath(plugins),
            ENTRY,
            f"--home-dir={home}",
            f"--config-dir={home / 'conf'}",
        ]
        for name in ("console.log", "neo4j.log"):  # so failure_reason reads this start only
            with contextlib.suppress(FileNotFoundError):
                (home / "logs" / name).rename(home / "logs" / f"{name}.previous")
        t0 = time.monotonic()
        with open(home / "logs" / "console.log", "w") as out:
            proc = subprocess.Popen(
                cmd,
                cwd=home,
                env=admin_env(home),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        state = {
            "pid": proc.pid,
            "bolt_port": bolt,
            "http_port": http,
            "neo4j_version": neo4j_version(),
            "plugins": plugins,
            "heap": heap,
            "home": str(home),
            "status": "starting",
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        write_state(home, state)

        timeout = float(env("NEO4J_LOCAL_TIMEOUT", "240"))
        while True:
            code = proc.poll()
            if code is not None:
                state.update(status="failed", pid=None)
                write_state(home, state)
                raise Failure(
                    f"the server exited during start (status {code}): "
                    f"{failure_reason(home, code, bolt, http)}; see {home / 'logs'}"
                )
            if bolt_ready(bolt, password):
                break
            if time.monotonic() - t0 > timeout:
                stop_pid(proc.pid, 30)
                state.update(status="failed", pid=None)
                write_state(home, state)
                raise Failure(
                    f"Bolt did not answer on 127.0.0.1:{bolt} within {timeout:.0f} s "
                    f"(server stopped); see {home / 'logs'}"
                )
            time.sleep(0.5)
        state.update(
            status="running",
            ready_seconds=round(time.monotonic() - t0, 1),
            browser=browser_served(http),
        )
        write_state(home, state)
        say(
            f"Neo4j {state['neo4j_version']} ready in {state['ready_seconds']} s (pid {proc.pid}, "
            f"bolt 127.0.0.1:{bolt}, http 127.0.0.1:{http}, "
            f"{'with' if plugins else 'without'} APOC/GDS)"
        )
        print_exports(home, state)
        return 0


def stop(home: Path) -> int:
    with locked(home / "run" / "neo4j-local.lock"):
        pid = running_pid(home)
        if not pid:
            say(f"not running in {home}")
            return 0
        clean = stop_pid(pid, float(env("NEO4J_LOCAL_STOP_TIMEOUT", "120")))
        state = read_state(home)
        state.update(status="stopped", pid=None)
        write_state(home, state)
        if not clean:
            raise Failure(f"pid {pid} did not stop on SIGTERM and was killed")
        say(f"stopped (pid {pid})")
        return 0


def status(home: Path) -> int:
    pid = running_pid(home)
    if not pid:
        print(f"not running ({home})")
        return 3
    st = read_state(home)
    bolt = st.get("bolt_port")
    answer = "answers" if bolt and tcp_open(bolt) else "not answering yet"
    print(
        f"running: pid {pid}, Neo4j {st.get('neo4j_version')}, bolt://127.0.0.1:{bolt} ({answer}), "
        f"http://127.0.0.1:{st.get('http_port')}/ ({home})"
    )
    return 0


def admin(home: Path, args: list[str]) -> int:
    if not (home / "conf" / "neo4j.conf").exists():
        raise Failure(f"{home} has no conf/neo4j.conf: run `start` once first")
    java, _ = find_java()
    resolve_jars()
    heap = env("NEO4J_LOCAL_ADMIN_HEAP", "1g")
    cmd = [java, f"-Xmx{heap}", *JVM_OPTS, "-cp", classpath(False), ADMIN, *args]
    # Relative paths are the caller's, as with neo4j-admin (import.report lands there too).
    return subprocess.run(cmd, env=admin_env(home)).returncode


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("start", "stop", "status", "admin"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    home = Path(argv[1]).expanduser().resolve()
    try:
        if argv[0] == "start":
            return start(home)
        if argv[0] == "stop":
            return stop(home)
        if argv[0] == "status":
            return status(home)
        return admin(home, argv[2:])
    except Failure as exc:
        say(str(exc))
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
