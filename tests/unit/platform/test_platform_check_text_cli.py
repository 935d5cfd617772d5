"""``council platform check-text``: stdin in, findings out, exit 1 when anything is found; no app needed."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from council.platform.cli import platform_group

PHONE = "090-1234-5678"


def invoke(text: str, *args: str):
    return CliRunner().invoke(platform_group, ["check-text", *args], input=text.encode("utf-8"))


def test_findings_listed_with_line_and_column_and_exit_1():
    result = invoke(f"こんにちは。\n電話は{PHONE}です。")
    assert result.exit_code == 1
    assert "2:4 phone (phonenumbers)" in result.output
    assert PHONE not in result.output  # masked: the terminal does not repeat the number
    assert "1 finding(s): phone." in result.output


def test_clean_text_exits_0():
    result = invoke("令和7年4月12日(土)に子ども食堂を開催します。")
    assert result.exit_code == 0
    assert result.output.strip() == "No personal data found."


def test_contact_option_allows_the_organisations_number():
    assert invoke(f"電話 {PHONE}", "--contact").exit_code == 0
    assert invoke(f"電話 {PHONE}").exit_code == 1


def test_not_utf8_is_refused():
    result = CliRunner().invoke(platform_group, ["check-text"], input="電話".encode("cp932"))
    assert result.exit_code == 1
    assert "not UTF-8" in result.output


def test_console_script_works_with_no_instance_folder(tmp_path):
    script = shutil.which("council", path=str(Path(sys.executable).parent))
    assert script is not None
    empty = tmp_path / "nothing-here"
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("COUNCIL_", "PLATFORM_"))}
    environment |= {"COUNCIL_INSTANCE_PATH": str(empty), "PLATFORM_INSTANCE_PATH": str(empty)}
    result = subprocess.run([script, "platform", "check-text"], input=f"山田太郎さん {PHONE}".encode(),
                            capture_output=True, env=environment, cwd=tmp_path, timeout=120, check=False)
    output = result.stdout.decode()
    assert result.returncode == 1, result.stderr.decode()
    assert "phone (phonenumbers)" in output and "honorific_name (honorific)" in output
    assert not empty.exists()
    clean = subprocess.run([script, "platform", "check-text"], input="市原市で子ども食堂".encode(),
                           capture_output=True, env=environment, cwd=tmp_path, timeout=120, check=False)
    assert clean.returncode == 0, clean.stderr.decode()
