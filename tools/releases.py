"""Release tags, their own change logs, and built revisions kept by commit.

What `make versions`, `make diff`, `make dist` and tools/check_release.py share:

* the release tags of a repository (``v1.1.0``), each read from its own tree:
  its ``VERSION``, its ``CHANGELOG.md`` and the section dated for it, the
  approval line in that section, and who made the tag and when (an annotated
  tag records both; a lightweight one nothing);
* ``tag_problems``: why a tag is not a release (its own ``VERSION`` is another
  version, its own change log has no dated section for it, or is malformed);
  ``governance_problems``: what a release must carry besides (an approval line,
  an annotated tag, nothing left under ``## Unreleased``);
* ``BuildCache``: a revision built once, strictly, in a temporary git worktree,
  and kept under ``.cache/versions/`` by its commit (and, for a development
  build, by the release tags too, since its labels name the next version).
  A tag's commit never changes, so a published release is built once.

A change-log section of a release names who approved it, on a line of its own:

    Approved by the clinical governance committee (chair: A. Person) on 2026-11-28.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))

from versioning import (  # noqa: E402
    FORCE_DEVELOPMENT,
    RELEASE_TAG,
    ChangelogError,
    read_changelog,
    version_key,
)

#: "Approved by WHO on YYYY-MM-DD." on a line of its own in a release's change-log section.
APPROVAL = re.compile(r"^Approved by (?P<who>\S.*?) on (?P<date>\d{4}-\d{2}-\d{2})\.?\s*$")
SECTION = re.compile(r"^## (?P<title>.+?)\s*$")
#: Bump when what a cached build holds changes shape.
CACHE_FORMAT = 1


class ReleaseError(Exception):
    """A problem to report in one message, with no traceback."""


def git(repo: Path, *args: str, input: str | None = None) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False,
                          input=input)
    if done.returncode != 0:
        raise ReleaseError(f"git {' '.join(args)} failed in {repo}: {done.stderr.strip()}")
    return done.stdout


def read_blobs(repo: Path, specs: list[str]) -> dict[str, str | None]:
    """The text of each "REV:PATH" in one git process; None where there is no such file."""
    if not specs:
        return {}
    done = subprocess.run(["git", "-C", str(repo), "cat-file", "--batch"], input=("\n".join(specs) + "\n").encode(),
                          capture_output=True, check=True)
    out, at, found = done.stdout, 0, {}
    for spec in specs:
        end = out.index(b"\n", at)
        header = out[at:end].decode()
        at = end + 1
        if header.endswith(" missing") or header.endswith(" ambiguous"):
            found[spec] = None
            continue
        size = int(header.split()[2])
        found[spec] = out[at:at + size].decode("utf-8")
        at += size + 1
    return found


# -- the change log, section by section -------------------------------------------

@dataclass
class Section:
    """One '## ' section of a change log."""

    title: str
    line: int
    body: list[str] = field(default_factory=list)

    @property
    def version(self) -> str | None:
        found = re.match(r"(\d+(?:\.\d+)+)\s", self.title + " ")
        return found.group(1) if found else None

    @property
    def unreleased(self) -> bool:
        return self.title == "Unreleased"

    def has_entries(self) -> bool:
        """Anything but blank lines: an '## Unreleased' with this is not empty."""
        return any(line.strip() for line in self.body)

    def approval(self) -> tuple[str, dt.date] | None:
        for line in self.body:
            found = APPROVAL.match(line.strip())
            if found:
                try:
                    return found["who"], dt.date.fromisoformat(found["date"])
                except ValueError:
                    return None
        return None


def changelog_sections(text: str) -> list[Section]:
    sections: list[Section] = []
    for number, line in enumerate(text.splitlines(), start=1):
        found = SECTION.match(line)
        if found:
            sections.append(Section(found["title"], number))
        elif sections:
            sections[-1].body.append(line)
    return sections


def parse_changelog_text(text: str, name: str):
    """read_changelog on text (a tag's own CHANGELOG.md); raises ChangelogError naming *name*."""
    with tempfile.TemporaryDirectory(prefix="changelog-") as tmp:
        path = Path(tmp) / "CHANGELOG.md"
        path.write_text(text, encoding="utf-8")
        try:
            return read_changelog(path)
        except ChangelogError as error:
            raise ChangelogError(Path(name), error.line, error.message) from None


# -- release tags ---------------------------------------------------------------

@dataclass
class Tag:
    """A release tag, with what its own tree says."""

    name: str
    commit: str
    annotated: bool
    tagger: str
    tagged: str  # YYYY-MM-DD, or "" for a lightweight tag
    version_file: str | None = None
    changelog: str | None = None

    @property
    def version(self) -> str:
        return RELEASE_TAG.fullmatch(self.name)["version"]

    def section(self) -> Section | None:
        if self.changelog is None:
            return None
        return next((s for s in changelog_sections(self.changelog) if s.version == self.version), None)


def release_tags(repo: Path) -> list[Tag]:
    """Every tag vX.Y.Z, oldest version first, each with its own VERSION and CHANGELOG.md: two git commands."""
    fields = ["%(refname:strip=2)", "%(objecttype)", "%(objectname)", "%(*objectname)", "%(taggername)",
              "%(taggeremail)", "%(taggerdate:short)"]
    tags = []
    for line in git(repo, "for-each-ref", "--format=" + "%00".join(fields), "refs/tags").splitlines():
        name, kind, obj, peeled, tagger, email, date = line.split("\0")
        if RELEASE_TAG.fullmatch(name):
            annotated = kind == "tag"
            tags.append(Tag(name, peeled if annotated else obj, annotated,
                            f"{tagger} {email}".strip() if annotated else "", date if annotated else ""))
    tags.sort(key=lambda tag: version_key(tag.version))
    blobs = read_blobs(repo, [f"{tag.name}:{name}" for tag in tags for name in ("VERSION", "CHANGELOG.md")])
    for tag in tags:
        version = blobs[f"{tag.name}:VERSION"]
        tag.version_file = version.strip() if version is not None else None
        tag.changelog = blobs[f"{tag.name}:CHANGELOG.md"]
    return tags


def tag_problems(tag: Tag) -> list[str]:
    """Why *tag* is not a release, from its own tree ([] when it is one)."""
    if tag.version_file != tag.version:
        said = f"says {tag.version_file}" if tag.version_file is not None else "is missing"
        return [f"tag {tag.name}: its own VERSION {said}, not {tag.version}"]
    if tag.changelog is None:
        return [f"tag {tag.name}: its tree has no CHANGELOG.md"]
    try:
        releases = parse_changelog_text(tag.changelog, f"{tag.name}:CHANGELOG.md")
    except ChangelogError as error:
        return [f"tag {tag.name}: {error}"]
    if not any(release.version == tag.version for release in releases):
        return [f"tag {tag.name}: its own CHANGELOG.md has no dated '## {tag.version} — YYYY-MM-DD' section "
                "(the section was added after the tag was made?)"]
    return []


def governance_problems(tag: Tag) -> list[str]:
    """What a release must carry besides: who approved it and when, and a record of who tagged it."""
    found = []
    section = tag.section()
    approval = section.approval() if section is not None else None
    if approval is None:
        found.append(f"tag {tag.name}: its change-log section '## {section.title if section else tag.version}' "
                     "has no approval line, 'Approved by WHO on YYYY-MM-DD.'")
    else:
        who, when = approval
        released = re.search(r"\d{4}-\d{2}-\d{2}", section.title)
        if released and when > dt.date.fromisoformat(released.group(0)):
            found.append(f"tag {tag.name}: approved on {when}, after the release date {released.group(0)}: "
                         "a release is approved before it is published")
    if not tag.annotated:
        found.append(f"tag {tag.name} is a lightweight tag, which records nobody: make it with "
                     f"git tag -a {tag.name} -m \"Release {tag.version}\"")
    sections = changelog_sections(tag.changelog or "")
    unreleased = next((s for s in sections if s.unreleased), None)
    if unreleased is not None and unreleased.has_entries():
        found.append(f"tag {tag.name}: its CHANGELOG.md still has entries under '## Unreleased' (line "
                     f"{unreleased.line}): move them into the '## {tag.version}' section")
    return found


def resolve(repo: Path, name: str) -> tuple[str, str]:
    """(git ref, commit) for a version ("1.0.0"), a tag ("v1.0.0") or any other ref ("main", "HEAD")."""
    for ref in ([f"v{name}"] if re.fullmatch(r"\d+(?:\.\d+)+", name) else []) + [name]:
        done = subprocess.run(["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
                              capture_output=True, text=True, check=False)
        if done.returncode == 0:
            return ref, done.stdout.strip()
    known = ", ".join(tag.version for tag in release_tags(repo)) or "none yet"
    raise ReleaseError(f"{name!r} is neither a release nor a git revision in {repo} (releases: {known})")


# -- built revisions, kept by commit --------------------------------------------

def environment_fingerprint() -> str:
    """What builds here use besides the revision's own files: the Python and Node packages."""
    digest = hashlib.sha256()
    for name in ("requirements.txt", "package-lock.json"):
        path = ROOT / name
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()[:16]


@dataclass
class Built:
    ref: str
    commit: str
    html: Path
    #: True when built now, False when taken from the cache.
    fresh: bool

    @property
    def key(self) -> str:
        return self.html.parent.name


class BuildCache:
    """Revisions of the manual built once into CACHE/<key>/html, reused while their key holds."""

    def __init__(self, repo: Path, cache: Path | None = None, quiet: bool = False):
        self.repo = repo.resolve()
        self.cache = (cache or self.repo / ".cache" / "versions").resolve()
        self.quiet = quiet
        self.used: set[str] = set()

    def key(self, ref: str, commit: str, development: bool) -> str:
        parts = {"format": CACHE_FORMAT, "commit": commit, "environment": environment_fingerprint(),
                 "development": development}
        if development or not RELEASE_TAG.fullmatch(ref):
            # Its labels name the next version and when pages changed: the release tags matter.
            parts["tags"] = git(self.repo, "for-each-ref", "--format=%(refname) %(objectname)", "refs/tags")
        return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:20]

    def get(self, ref: str, development: bool = False) -> Built:
        commit = git(self.repo, "rev-parse", "--verify", f"{ref}^{{commit}}").strip()
        key = self.key(ref, commit, development)
        self.used.add(key)
        place = self.cache / key
        if (place / "html" / "index.html").is_file() and (place / "built.json").is_file():
            return Built(ref, commit, place / "html", fresh=False)
        if not self.quiet:
            print(f"building {ref} ({commit[:10]})", flush=True)
        self._build(ref, commit, development, place)
        return Built(ref, commit, place / "html", fresh=True)

    def _build(self, ref: str, commit: str, development: bool, place: Path) -> None:
        self.cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="manual-build-", dir=self.cache) as work:
            tree, out = Path(work) / "tree", Path(work) / "html"
            git(self.repo, "worktree", "add", "--detach", "--force", str(tree), commit)
            try:
                command = [sys.executable, "-m", "sphinx", "-b", "html", "-c", str(tree), "-n", "-W",
                           "--keep-going", "-j", "auto", "-q",
                           # Doctrees stay out of the output, and out of what is kept.
                           "-d", str(Path(work) / "doctrees"),
                           # Share this checkout's renderer and diagram cache.
                           "-D", f"mermaid_cmd={ROOT / 'node_modules' / '.bin' / 'mmdc'}",
                           "-D", f"mermaid_build_node_modules={ROOT / 'node_modules'}",
                           "-D", f"mermaid_build_cache={ROOT / '.cache' / 'mermaid'}",
                           str(tree / "docs"), str(out)]
                env = {**os.environ, FORCE_DEVELOPMENT: "1" if development else "0"}
                done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=tree, env=env)
                if done.returncode != 0:
                    raise ReleaseError(f"building {ref} ({commit[:10]}) failed:\n{done.stdout}{done.stderr}")
            finally:
                git(self.repo, "worktree", "remove", "--force", str(tree))
            for name in (".buildinfo", ".buildinfo.bak"):
                (out / name).unlink(missing_ok=True)
            partial = Path(work) / "kept"
            partial.mkdir()
            out.rename(partial / "html")
            (partial / "built.json").write_text(json.dumps({"ref": ref, "commit": commit,
                                                            "development": development}) + "\n")
            if place.exists():
                shutil.rmtree(place)
            partial.rename(place)

    def prune(self) -> list[str]:
        """Forget kept builds this run did not use (a development line's older commits); return their keys."""
        gone = []
        if self.cache.is_dir():
            for place in self.cache.iterdir():
                if place.is_dir() and place.name not in self.used and not place.name.startswith("manual-build-"):
                    shutil.rmtree(place)
                    gone.append(place.name)
        return gone
