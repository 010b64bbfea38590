#!/usr/bin/env bash
# The package as a user gets it (issue #15). Run by `make package-check`, hence by .ci/run:
#   1. build the sdist, and the wheel from it (python -m build); check-wheel-contents on the wheel;
#      the sdist and the wheel hold the knowledge and the .po catalogs, and no .mo, venv or tests;
#   2. pip install the wheel into a fresh virtualenv; from a folder outside the repository, with a
#      clean environment: --version, check, ask --json, ask, a scripted console session, a bad
#      APS_BOT_KNOWLEDGE; the installed data files are byte for byte the repository's;
#   3. replay the Dockerfile (no Docker engine here): its build stage from its COPY lines only
#      makes the same wheel; its runtime steps work as user 10001 with the database in a data folder;
#   4. hadolint Dockerfile.
# Needs PyPI (build dependencies, the bot's dependencies); pip's cache makes repeated runs fast.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
py=${PYTHON:-$repo/.venv/bin/python}
bin=$(dirname "$py")
start=$SECONDS

work=$(mktemp -d "${TMPDIR:-/tmp}/aps-bot-package.XXXXXX")
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"  # user 10001 reads the virtualenv in step 3
fail() { echo "package-check: FAIL: $*" >&2; exit 1; }
ok() { echo "package-check: ok: $*"; }

# 1. Build and inspect -------------------------------------------------------------------------
rm -rf dist/aps_bot-* aps_bot.egg-info build  # as in a fresh clone: no stale file list or build
"$py" -m build --outdir dist . >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; fail "python -m build"; }
wheels=(dist/aps_bot-*.whl)
sdists=(dist/aps_bot-*.tar.gz)
[[ ${#wheels[@]} == 1 && -f ${wheels[0]} && ${#sdists[@]} == 1 && -f ${sdists[0]} ]] \
  || fail "expected one wheel and one sdist in dist/"
wheel=${wheels[0]} sdist=${sdists[0]}
ok "built $wheel and $sdist ($((SECONDS - start)) s)"
"$bin/check-wheel-contents" "$wheel"

"$py" - "$wheel" "$sdist" <<'EOF'
import pathlib, sys, tarfile, zipfile
wheel, sdist = sys.argv[1:]
in_wheel = set(zipfile.ZipFile(wheel).namelist())
root = sdist.rsplit("/", 1)[-1].removesuffix(".tar.gz")
in_sdist = {n.removeprefix(root + "/") for n in tarfile.open(sdist).getnames()}
knowledge = [f"{k}.yaml" for k in ("facts", "faq", "flow", "sources")]
# every language of the repository (catalogs, lexicons, example files), not a pinned list
knowledge += [str(p.relative_to("knowledge")) for p in sorted(pathlib.Path("knowledge").glob("*/*.yaml"))]
catalogs = [str(p.relative_to("locales")) for p in sorted(pathlib.Path("locales").glob("*/LC_MESSAGES/messages.po"))]
catalogs += ["languages.yaml"]
problems = [
    *(f"wheel lacks {n}" for n in (
        *(f"bot/_data/knowledge/{k}" for k in knowledge),
        *(f"bot/_data/locales/{c}" for c in catalogs),
        "bot/resources.py",
    ) if n not in in_wheel),
    *(f"sdist lacks {n}" for n in (
        *(f"knowledge/{k}" for k in knowledge), *(f"locales/{c}" for c in catalogs), "setup.py",
    ) if n not in in_sdist),
    *(f"{what} ships {n}" for what, names in (("wheel", in_wheel), ("sdist", in_sdist))
      for n in names
      if n.endswith((".mo", ".pyc", ".sqlite3")) or n.startswith((".venv", "tests/", "dist/"))),
]
for p in problems:
    print(f"package-check: FAIL: {p}", file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
ok "the wheel and the sdist hold the knowledge and the .po catalogs, and no .mo"

# 2. Install into a fresh virtualenv and use it from elsewhere -----------------------------------
"$py" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$wheel" \
  >"$work/pip.log" 2>&1 || { cat "$work/pip.log" >&2; fail "pip install $wheel"; }
ok "installed the wheel into a fresh virtualenv ($((SECONDS - start)) s)"
elsewhere="$work/elsewhere"
mkdir -m 777 "$elsewhere"
# A new user's shell: no APS_BOT_*/token variables, the virtualenv first on PATH, not the repo.
as_user() { (cd "$elsewhere" && env -i HOME="$work/home" PATH="$work/venv/bin:/usr/bin:/bin" \
  LANG=C.UTF-8 "$@"); }

declared=$("$py" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
[[ $(as_user aps-bot --version) == "aps-bot $declared" ]] || fail "aps-bot --version"
ok "aps-bot --version: aps-bot $declared"

as_user aps-bot check >"$work/check.out" 2>&1 || { cat "$work/check.out" >&2; fail "aps-bot check"; }
ok "aps-bot check: $(tail -n 1 "$work/check.out")"

as_user aps-bot ask --json "combien coute la carte" >"$work/fr.json"
as_user aps-bot ask --json --lang en "how much does the card cost" >"$work/en.json"
as_user aps-bot ask --json "居留卡要多少钱" >"$work/zh.json"  # the segmenter's library, installed
as_user aps-bot ask "combien coute la carte" >"$work/fr.txt"
as_user python - "$work" <<'EOF' || fail "aps-bot ask"
import json, pathlib, sys
work = pathlib.Path(sys.argv[1])
fr, en, zh = (json.loads((work / f"{lang}.json").read_text()) for lang in ("fr", "en", "zh"))
assert zh["lang"] == "zh" and zh["id"] == fr["id"], zh
assert any("\u4e00" <= c <= "\u9fff" for c in zh["answer"]), "the Chinese answer is not in Chinese"
text = (work / "fr.txt").read_text()
assert fr["id"] and fr["answer"].strip() and fr["lang"] == "fr", fr
assert en["id"] == fr["id"] and en["lang"] == "en", en
assert fr["answer"] != en["answer"], "the French answer is the English one: no catalog was read"
assert text.startswith(fr["answer"].splitlines()[0]), text[:200]
print(f"package-check: ok: aps-bot ask: {fr['id']!r} ({fr['score']}), in French, English and Chinese")
EOF

printf '/lang fr\n/aps\n1\n' | as_user aps-bot console --database memory >"$work/console.out" 2>&1 \
  || { cat "$work/console.out" >&2; fail "aps-bot console"; }
options=$(grep -cE '^  [0-9]+\. ' "$work/console.out" || true)
((options >= 2)) || { cat "$work/console.out" >&2; fail "the console printed no numbered options"; }
ok "scripted aps-bot console session: $options numbered options"

# A bad knowledge folder: one line per problem, a non-zero exit, never a traceback.
if as_user env APS_BOT_KNOWLEDGE="$work/nowhere" aps-bot ask "frais" >"$work/bad.out" 2>&1; then
  fail "APS_BOT_KNOWLEDGE=$work/nowhere was accepted"
fi
if grep -q Traceback "$work/bad.out" || ! grep -q "$work/nowhere/faq.yaml:0: file not found" "$work/bad.out"; then
  cat "$work/bad.out" >&2; fail "APS_BOT_KNOWLEDGE pointing nowhere"
fi
# … and a good one, a copy of the packaged folder, wins over the packaged one.
data=$(as_user python -c 'from bot.resources import bundled; print(bundled("knowledge").parent)')
cp -r "$data/knowledge" "$work/kb" && chmod -R a+rX "$work/kb"
rm "$work/kb/sources.yaml"  # the loader must say it is missing from this copy, not the packaged one
as_user env APS_BOT_KNOWLEDGE="$work/kb" aps-bot check >"$work/kb.out" 2>&1 && fail "APS_BOT_KNOWLEDGE ignored"
grep -q "$work/kb/sources.yaml:0: file not found" "$work/kb.out" || { cat "$work/kb.out" >&2; fail "APS_BOT_KNOWLEDGE"; }
ok "APS_BOT_KNOWLEDGE: a missing folder is one line per file, a given folder is the one read"

# The wheel's data is the repository's, byte for byte: what the editable install (make) reads.
# Every tracked file of knowledge/ and every catalog ships; a new kind of file needs setup.py.
case $data in "$work/venv/lib/"*/site-packages/bot/_data) ;; *) fail "data read from $data";; esac
if [[ -e .git ]]; then tracked=$(git ls-files knowledge locales); else tracked=$(find knowledge locales -type f); fi
shipped=0
for file in $tracked; do
  # the maintainers' template and build products are not run-time data; the translators' notes
  # (locales/README.md, a language's GLOSSARY.md) ship with the catalogs they explain
  case $file in locales/messages.pot | *.mo) continue;; esac
  cmp -s "$file" "$data/$file" || fail "$file is not in the wheel as it is here (setup.py's package_data?)"
  shipped=$((shipped + 1))
done
installed=$(cd "$data" && find . -type f | wc -l)
((installed == shipped)) || fail "$data holds $installed files, the repository $shipped"
ok "the installed data ($data) is the repository's knowledge/ and locales/ ($shipped files)"

# 3. The Dockerfile, replayed ----------------------------------------------------------------------
# Build stage: only what its COPY lines bring (less .dockerignore's caches and .mo), built the same
# way; the wheel must be the one checked above, file for file.
mkdir "$work/context"
awk '/^COPY / && !/--from/ { for (i = 2; i < NF; i++) print $i }' Dockerfile \
  | while read -r path; do cp -r "$path" "$work/context/"; done
find "$work/context" \( -name __pycache__ -o -name '*.mo' -o -name '*.pyc' \) -prune -exec rm -rf {} +
"$py" -m build --outdir "$work/context/dist" "$work/context" >"$work/build-docker.log" 2>&1 \
  || { cat "$work/build-docker.log" >&2; fail "the Dockerfile's build stage (python -m build)"; }
"$py" - "$wheel" "$work"/context/dist/*.whl <<'EOF2' || fail "the build stage's wheel differs"
import sys, zipfile
a, b = ({i.filename: i.CRC for i in zipfile.ZipFile(w).infolist() if not i.filename.endswith("RECORD")}
        for w in sys.argv[1:])
sys.exit(0 if a == b else f"only in one wheel: {sorted(set(a.items()) ^ set(b.items()))}")
EOF2
ok "the build stage, from its COPY lines only, makes the same wheel ($((SECONDS - start)) s)"

# Runtime stage: pip install the wheel (done above, into a fresh virtualenv rather than the image's
# system Python); RUN aps-bot check (done above); then USER 10001:10001 with APS_BOT_DATABASE in
# the /data volume; HEALTHCHECK aps-bot health. The lines replayed must still be in the Dockerfile.
for line in 'pip install --no-cache-dir /tmp/\*.whl' '&& aps-bot check' 'USER 10001:10001' \
  'APS_BOT_DATABASE=/data/aps-bot.sqlite3' 'CMD \["aps-bot", "health"\]'; do
  grep -q -- "$line" Dockerfile || fail "the Dockerfile no longer says '$line': update this replay"
done
mkdir -p "$work/data" && chown 10001:10001 "$work/data" 2>/dev/null || true
as_10001() { as_user env APS_BOT_DATABASE="$work/data/aps-bot.sqlite3" \
  APS_BOT_HEARTBEAT="$work/data/heartbeat" "$@"; }
if [[ $(id -u) == 0 ]] && command -v setpriv >/dev/null; then
  as_10001() { as_user env APS_BOT_DATABASE="$work/data/aps-bot.sqlite3" \
    APS_BOT_HEARTBEAT="$work/data/heartbeat" setpriv --reuid=10001 --regid=10001 --clear-groups "$@"; }
  who="user 10001"
else
  who="user $(id -u) (not root: cannot switch to 10001)"
fi
as_10001 aps-bot check >/dev/null || fail "aps-bot check as $who"
printf '/aps\n1\n' | as_10001 aps-bot console >/dev/null || fail "console with a SQLite database as $who"
[[ -s $work/data/aps-bot.sqlite3 ]] || fail "no database written in the data folder"
as_10001 aps-bot report >/dev/null || fail "aps-bot report as $who"
if as_10001 aps-bot health >/dev/null 2>&1; then fail "healthy with no bot running"; fi
as_10001 touch "$work/data/heartbeat"  # what the running bot does every 30 s
as_10001 aps-bot health >/dev/null || fail "aps-bot health with a fresh heartbeat"
ok "runtime stage replayed as $who: check, console and report on SQLite in the data folder, health"

# 4. Lint the Dockerfile ------------------------------------------------------------------------------
"$bin/hadolint" Dockerfile
ok "hadolint Dockerfile ($("$bin/hadolint" --version))"

echo "package-check: all ok in $((SECONDS - start)) s"
