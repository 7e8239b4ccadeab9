"""Install the Debian packages the manual needs, or name them.

Usage: python3 tools/ensure_debian_packages.py tools/debian-packages.txt

Reads the package list (one name a line, '#' starts a comment), asks dpkg
which are missing, and installs those with apt-get when run as root.  As any
other user it stops with one message naming the exact packages to install.
Node.js and npm are added to the list when the machine has no npm.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def wanted(list_file: Path) -> list[str]:
    names = []
    for number, line in enumerate(list_file.read_text(encoding="utf-8").splitlines(), start=1):
        name = line.split("#", 1)[0].strip()
        if not name:
            continue
        if " " in name:
            sys.exit(f"{list_file}:{number}: one package name a line, found {name!r}")
        names.append(name)
    if shutil.which("npm") is None:
        names += ["nodejs", "npm"]
    return names


def installed(name: str) -> bool:
    done = subprocess.run(["dpkg-query", "-W", "-f=${Status}", name],
                          capture_output=True, text=True, check=False)
    return done.returncode == 0 and done.stdout.strip().endswith(" installed")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    names = wanted(Path(argv[1]))
    if shutil.which("dpkg-query") is None:
        print("This is not a Debian system: install the equivalents of these packages yourself:\n  "
              + " ".join(names), file=sys.stderr)
        return 1
    missing = [name for name in names if not installed(name)]
    if not missing:
        return 0
    if os.geteuid() != 0:
        print("The manual needs these Debian packages, which are not installed:\n  "
              + " ".join(missing)
              + "\nInstall them as root, then run make again:\n"
              + "  sudo apt-get update && sudo apt-get install --no-install-recommends " + " ".join(missing),
              file=sys.stderr)
        return 1
    print("Installing Debian packages: " + " ".join(missing), flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update", "-qq"],
                    ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing]):
        if subprocess.run(command, env=env, check=False).returncode != 0:
            print(f"'{' '.join(command[:2])}' failed; the packages still missing are: {' '.join(missing)}",
                  file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
