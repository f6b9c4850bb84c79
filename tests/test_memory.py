"""poolinglab.memory: glibc takes the settings that let a server give freed memory back."""

import subprocess
import sys

from apptest_helpers import ROOT


def test_glibc_takes_every_setting_in_a_fresh_process_and_the_widgets_apply_them():
    code = ("import platform; from poolinglab.memory import return_freed_memory; "
            "print(return_freed_memory(), platform.libc_ver()[0] == 'glibc')")
    took, glibc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                 cwd=ROOT).stdout.split()
    assert took == glibc  # True on glibc Linux (CI); False, and harmless, anywhere else
    source = (ROOT / "widgets" / "__init__.py").read_text()
    assert "\nreturn_freed_memory()\n" in source  # at import, so every page's process has it
