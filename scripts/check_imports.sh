#!/usr/bin/env bash
# Checks that every `import` in production code follows the layers of Package.swift's header:
# each target may import only the modules on its allowlist below, and every target but the
# tests appears in that header's diagram. Scans the Swift files of
# ROOT's Sources/*, ctl/ (mosaicctl), Tools/*, Benchmarks/*, Plugins/* and Tests/MosaicTestSupport
# (which the test tools link; ROOT defaults to the repository this script lives in). Test targets
# are not checked: they may reach into anything.
#
#   scripts/check_imports.sh [ROOT]
#
# Exit 0 when every import is allowed; 1 with one line per violation on stdout,
# `path:line: <target> imports <module>: <rule>`; 2 on a usage error.
# Bash, find, grep and awk only: CI machines may have no Python.
set -uo pipefail

root=${1:-"$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"}
if [[ ! -d "$root" ]]; then
    echo "check_imports: $root is not a directory" >&2
    exit 2
fi

# Modules of the toolchain and the operating system, allowed everywhere except MosaicAPI.
system="Swift Foundation FoundationEssentials Glibc Musl Darwin Dispatch Synchronization"
# Executables and tools: nothing imports them (test targets aside).
executables="mosaicd mosaicctl MosaicBench MosaicTorture MosaicFuzz MigrationEmbedder EmbedMigrations"
# The numeric and image layers, which know nothing of serving, storing or the wire.
compute="MosaicTensor MosaicDiffusion MosaicStableDiffusion MosaicImage MosaicCheckpoint MosaicUpscale"

# What each target may import besides the system modules (Package.swift's layer diagram).
allowed() {
    case "$1" in
        MosaicAPI) echo "Foundation" ;;  # no system modules either: wire types only
        MosaicClient) echo "$system MosaicAPI" ;;
        mosaicctl) echo "$system MosaicClient MosaicAPI ArgumentParser" ;;
        MosaicTensor) echo "$system COpenBLAS" ;;
        MosaicDiffusion) echo "$system MosaicTensor" ;;
        MosaicStableDiffusion) echo "$system MosaicDiffusion MosaicTensor" ;;
        MosaicImage) echo "$system CWebP CPNG CJPEG" ;;
        MosaicCheckpoint) echo "$system MosaicDiffusion MosaicTensor CCRC32" ;;
        MosaicUpscale) echo "$system MosaicTensor MosaicImage MosaicCheckpoint" ;;
        MosaicRender)
            echo "$system MosaicCheckpoint MosaicDiffusion MosaicStableDiffusion MosaicImage MosaicTensor MosaicUpscale"
            ;;
        MosaicStore) echo "$system MosaicAPI GRDB" ;;
        MosaicSystemd) echo "$system CSystemd Logging" ;;
        MosaicDaemon)
            echo "$system MosaicAPI MosaicStore MosaicRender MosaicCheckpoint MosaicImage MosaicSystemd Logging NIOCore NIOPosix NIOHTTP1"
            ;;
        mosaicd) echo "$system MosaicDaemon MosaicRender MosaicImage MosaicDiffusion MosaicSystemd ArgumentParser Logging" ;;
        MosaicBench)
            echo "$system ArgumentParser GRDB COpenBLAS MosaicAPI MosaicClient MosaicStore MosaicRender MosaicCheckpoint" \
                "MosaicImage MosaicStableDiffusion MosaicDiffusion MosaicTensor MosaicUpscale MosaicTestSupport"
            ;;
        MosaicTorture) echo "$system ArgumentParser MosaicAPI MosaicClient MosaicImage MosaicTestSupport" ;;
        MosaicFuzz) echo "$system ArgumentParser MosaicAPI MosaicClient MosaicTestSupport" ;;
        MosaicTestSupport) echo "$system MosaicClient MosaicAPI GRDB" ;;
        MigrationEmbedder) echo "Foundation" ;;
        EmbedMigrations) echo "Foundation PackagePlugin" ;;
        *) return 1 ;;
    esac
}

contains() {  # contains WORD LIST...
    local word=$1 item
    shift
    for item in $*; do [[ "$item" == "$word" ]] && return 0; done
    return 1
}

# The rule an import breaks, most specific first.
rule_for() {  # rule_for TARGET MODULE
    local target=$1 module=$2
    if contains "$module" "$executables"; then
        echo "nothing imports an executable or tool"
    elif contains "$target" "$compute" && [[ "$module" =~ ^(MosaicDaemon|MosaicStore|MosaicAPI|MosaicClient|NIO.*|GRDB)$ ]]; then
        echo "$target imports nothing of the daemon, the store, the API, the client, NIO or GRDB"
    elif [[ "$target" == MosaicAPI ]]; then
        echo "MosaicAPI imports only Foundation"
    elif [[ "$target" == mosaicctl || "$target" == MosaicClient ]]; then
        echo "ctl/ imports only MosaicClient, MosaicAPI, system modules and ArgumentParser; MosaicClient only MosaicAPI and system modules"
    else
        echo "not on $target's allowlist (Package.swift's layer diagram; scripts/check_imports.sh)"
    fi
}

# Prints `file|line|attributes|module` for every import statement, skipping
# comments and multi-line string literals.
imports_of() {
    awk '
        FNR == 1 { in_string = 0; in_comment = 0 }
        {
            line = $0
            if (in_comment) {
                if (index(line, "*/") == 0) next
                in_comment = 0
                line = substr(line, index(line, "*/") + 2)
            }
            quotes = gsub(/"""/, "&", line)
            if (in_string) { if (quotes % 2 == 1) in_string = 0; next }
            if (quotes % 2 == 1) in_string = 1
            if (line ~ /^[ \t]*\/\*/ && index(line, "*/") == 0) { in_comment = 1; next }
            if (line !~ /^[ \t]*(@[A-Za-z_]+(\([^)]*\))?[ \t]+)*((public|package|internal|fileprivate|private)[ \t]+)?import[ \t]/) next
            attributes = ""
            rest = line
            sub(/^[ \t]+/, "", rest)
            while (rest ~ /^@/) {
                match(rest, /^@[A-Za-z_]+(\([^)]*\))?/)
                attributes = attributes substr(rest, 1, RLENGTH) " "
                rest = substr(rest, RLENGTH + 1)
                sub(/^[ \t]+/, "", rest)
            }
            sub(/^(public|package|internal|fileprivate|private)[ \t]+/, "", rest)
            sub(/^import[ \t]+/, "", rest)
            sub(/^(struct|class|enum|protocol|typealias|func|var|let)[ \t]+/, "", rest)
            match(rest, /^[A-Za-z_][A-Za-z0-9_]*/)
            if (RLENGTH > 0) printf "%s|%d|%s|%s\n", FILENAME, FNR, attributes, substr(rest, 1, RLENGTH)
        }
    ' "$@"
}

violations=0
report() {  # report FILE LINE TARGET MODULE RULE
    echo "${1#"$root"/}:$2: $3 imports $4: $5"
    violations=$((violations + 1))
}

check_target() {  # check_target TARGET DIRECTORY
    local target=$1 directory=$2 files list file line attributes module
    files=()
    while IFS= read -r -d '' file; do files+=("$file"); done < <(find "$directory" -name '*.swift' -type f -print0 | sort -z)
    ((${#files[@]})) || return 0
    if ! list=$(allowed "$target"); then
        echo "${directory#"$root"/}: $target has no import rule: add it to scripts/check_imports.sh and Package.swift's layer diagram"
        violations=$((violations + 1))
        return 0
    fi
    while IFS="|" read -r file line attributes module; do
        if [[ "$attributes" == *"@_exported"* ]]; then
            report "$file" "$line" "$target" "$module" "@_exported is forbidden: import what a file uses where it uses it"
        elif ! contains "$module" "$list"; then
            report "$file" "$line" "$target" "$module" "$(rule_for "$target" "$module")"
        fi
    done < <(imports_of "${files[@]}")
}

for directory in "$root"/Sources/*/ "$root"/Tools/*/ "$root"/Benchmarks/*/ "$root"/Plugins/*/ "$root"/Tests/MosaicTestSupport/; do
    [[ -d "$directory" ]] || continue
    directory=${directory%/}
    check_target "$(basename "$directory")" "$directory"
done
[[ -d "$root/ctl" ]] && check_target mosaicctl "$root/ctl"

# Every target but the tests appears in Package.swift's layer diagram (its header comment).
if [[ -f "$root/Package.swift" ]]; then
    diagram=$(awk '/^import PackageDescription/ { exit } /^\/\// { print }' "$root/Package.swift")
    while IFS= read -r target; do
        if ! grep -qE "(^|[^A-Za-z0-9_])$target([^A-Za-z0-9_]|\$)" <<<"$diagram"; then
            echo "Package.swift: target $target is missing from the layer diagram in the header comment"
            violations=$((violations + 1))
        fi
    done < <(sed -E 's/\.product\(name: "[^"]*"//g' "$root/Package.swift" | grep -oE 'name: "[A-Za-z0-9_]+"' | sed -E 's/name: "(.*)"/\1/' \
        | grep -vE '^(Mosaic|.*Tests)$' | sort -u)
fi

if ((violations > 0)); then
    echo "check_imports: $violations violation(s) of the layers" >&2
    exit 1
fi
exit 0
