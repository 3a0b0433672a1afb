"""The native production topology (scripts/stack) uses the production settings unchanged,
passes ``check --deploy``, keeps its secrets out of git, and runs the very commands of the
docker-compose services (scripts/serve)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def stack(*args: str, directory: Path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PLANNERIST_", "STACK_"))}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [str(ROOT / "scripts" / "stack"), *args], cwd=ROOT, env={**clean, "STACK_DIR": str(directory)},
        capture_output=True, text=True, timeout=60,
    )


def test_the_stack_environment_passes_check_deploy(tmp_path):
    result = stack("check", directory=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_stack_makes_its_secrets_once_and_keeps_them_private(tmp_path):
    first = stack("env", directory=tmp_path).stdout
    second = stack("env", directory=tmp_path).stdout
    env = dict(line.split("=", 1) for line in first.splitlines())
    assert first == second
    assert len(env["DJANGO_SECRET_KEY"]) >= 50 and env["PLANNERIST_CUSTOMER_SALT"]
    assert env["PLANNERIST_PRODUCTION"] == "1" and "--certfile" in env["GUNICORN_CMD_ARGS"]
    assert (tmp_path / "secrets.env").stat().st_mode & 0o077 == 0


def test_var_where_the_stack_keeps_its_secrets_is_ignored_by_git():
    ignored = subprocess.run(["git", "check-ignore", "-q", "var/stack/secrets.env"], cwd=ROOT)
    assert ignored.returncode == 0


def test_compose_and_the_stack_run_the_same_commands():
    compose = (ROOT / "docker-compose.yml").read_text()
    script = (ROOT / "scripts" / "stack").read_text()
    assert re.search(r"^PROCESSES=\(web worker beat\)$", script, re.MULTILINE)
    assert 'setsid scripts/serve "$name"' in script
    for service in ("web", "worker", "beat"):
        block = re.search(rf"^  {service}:\n(.*?)(?=^  \S|^\S|\Z)", compose, re.MULTILINE | re.DOTALL)
        assert block and f'command: ["scripts/serve", "{service}"]' in block[1], service


def test_compose_publishes_the_web_port_on_the_loopback_only_behind_one_trusted_proxy():
    compose = (ROOT / "docker-compose.yml").read_text()
    ports = re.findall(r"^\s+ports: \[(.*)\]$", compose, re.MULTILINE)
    published = [port.strip().strip("\"'") for line in ports for port in line.split(",")]
    assert published == ["127.0.0.1:8000:8000"]  # the proxy on the host, not the world, reaches gunicorn
    assert re.search(r"^    PLANNERIST_TRUSTED_PROXIES: \$\{PLANNERIST_TRUSTED_PROXIES:-1\}$", compose, re.MULTILINE)
