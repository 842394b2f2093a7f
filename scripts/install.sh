#!/usr/bin/env bash
# `make install` and `make uninstall`: the binaries, the systemd units, sysusers.d and
# tmpfiles.d snippets, man pages and shell completions. The Makefile sets the directories
# (PREFIX, DESTDIR, BINDIR, UNITDIR, ...); see systemd/README.md for why each goes where.
set -euo pipefail
cd "$(dirname "$0")/.."
action="${1:?usage: install.sh install|uninstall}"
: "${SWIFT:=swift}" "${DESTDIR=}" "${PREFIX:?}" "${BINDIR:?}" "${MANDIR:?}" "${UNITDIR:?}"
: "${SYSUSERSDIR:?}" "${TMPFILESDIR:?}" "${BASHCOMPDIR:?}" "${ZSHCOMPDIR:?}" "${FISHCOMPDIR:?}"
read -r -a build_flags <<< "${INSTALL_BUILD_FLAGS:?}"
tools=(mosaicd mosaicctl)
shells=(bash zsh fish)
clip_tokenizer_files=(vocab.json merges.txt LICENSE)

# Where each shell looks for the completions of TOOL, and the text every real script has
# (a placeholder binary that ignores its arguments prints something else).
completion_path() {
    case "$1" in
        bash) echo "$BASHCOMPDIR/$2" ;;
        zsh) echo "$ZSHCOMPDIR/_$2" ;;
        fish) echo "$FISHCOMPDIR/$2.fish" ;;
    esac
}
completion_marker() {
    case "$1" in
        bash) echo "^complete .*-F " ;;
        zsh) echo "^#compdef" ;;
        fish) echo "^complete -c" ;;
    esac
}

say() { printf '  %-9s %s\n' "$1" "$2"; }

install_file() { # MODE SOURCE DESTINATION (DESTINATION without DESTDIR)
    install -D -m "$1" "$2" "$DESTDIR$3"
    say install "$DESTDIR$3"
}

do_install() {
    # A static Swift standard library: the service must not depend on where the toolchain
    # lives (ProtectHome=yes hides a toolchain installed under a home directory).
    for product in "${tools[@]}" generate-manual; do
        "$SWIFT" build "${build_flags[@]}" --product "$product"
    done
    bin="$("$SWIFT" build "${build_flags[@]}" --show-bin-path)"
    work="$(mktemp -d -t mosaic-install.XXXXXX)"
    trap 'rm -rf "$work"' EXIT
    date="$(git log -1 --format=%cs 2>/dev/null || date +%F)"

    for tool in "${tools[@]}"; do
        if [ ! -x "$bin/$tool" ]; then say skip "$tool: not built"; continue; fi
        install_file 0755 "$bin/$tool" "$BINDIR/$tool"
        # Man pages from the commands' own ArgumentParser descriptions (no network needed).
        if "$bin/generate-manual" "$bin/$tool" --date "$date" --output-directory "$work" >/dev/null 2>&1 \
            && [ -s "$work/$tool.1" ]; then
            install_file 0644 "$work/$tool.1" "$MANDIR/man1/$tool.1"
        else
            say skip "$MANDIR/man1/$tool.1 ($tool does not describe itself through ArgumentParser yet)"
        fi
        for shell in "${shells[@]}"; do
            script="$work/$tool.$shell"
            "$bin/$tool" --generate-completion-script "$shell" >"$script" 2>/dev/null || true
            if grep -Eq -- "$(completion_marker "$shell")" "$script"; then
                install_file 0644 "$script" "$(completion_path "$shell" "$tool")"
            else
                say skip "$(completion_path "$shell" "$tool") ($tool has no $shell completion yet)"
            fi
        done
    done

    # The committed unit runs /usr/local/bin/mosaicd; point it at this BINDIR.
    sed "s|^ExecStart=/usr/local/bin/mosaicd |ExecStart=$BINDIR/mosaicd |" systemd/mosaicd.service \
        >"$work/mosaicd.service"
    grep -q "^ExecStart=$BINDIR/mosaicd serve\$" "$work/mosaicd.service" \
        || { echo "install.sh: could not rewrite ExecStart in systemd/mosaicd.service" >&2; exit 1; }
    install_file 0644 "$work/mosaicd.service" "$UNITDIR/mosaicd.service"
    install_file 0644 systemd/mosaicd.socket "$UNITDIR/mosaicd.socket"
    install_file 0644 systemd/mosaic.sysusers "$SYSUSERSDIR/mosaic.conf"
    install_file 0644 systemd/mosaic.tmpfiles "$TMPFILESDIR/mosaic.conf"
    # The CLIP tokenizer for single-file Stable Diffusion checkpoints (they carry none); the
    # loader looks in <mosaicd>/../share/mosaic/clip-tokenizer.
    for file in "${clip_tokenizer_files[@]}"; do
        install_file 0644 "Sources/MosaicStableDiffusion/Resources/clip-tokenizer/$file" "$PREFIX/share/mosaic/clip-tokenizer/$file"
    done

    if [ -z "$DESTDIR" ]; then
        cat <<NEXT
Next, as root: systemd-sysusers mosaic.conf && systemd-tmpfiles --create mosaic.conf &&
  systemctl daemon-reload && systemctl enable --now mosaicd.socket mosaicd.service
then add users to group mosaic (usermod -aG mosaic NAME) so they may run mosaicctl.
NEXT
    fi
}

do_uninstall() {
    paths=("$UNITDIR/mosaicd.service" "$UNITDIR/mosaicd.socket" "$SYSUSERSDIR/mosaic.conf"
        "$TMPFILESDIR/mosaic.conf")
    for file in "${clip_tokenizer_files[@]}"; do paths+=("$PREFIX/share/mosaic/clip-tokenizer/$file"); done
    for tool in "${tools[@]}"; do
        paths+=("$BINDIR/$tool" "$MANDIR/man1/$tool.1")
        for shell in "${shells[@]}"; do paths+=("$(completion_path "$shell" "$tool")"); done
    done
    for path in "${paths[@]}"; do
        if [ -e "$DESTDIR$path" ]; then rm -f "$DESTDIR$path" && say remove "$DESTDIR$path"; fi
    done
    # The user, group and /var/lib/mosaic stay: they hold the queue and the finished images.
    if [ -z "$DESTDIR" ]; then
        echo "Kept user mosaic and /var/lib/mosaic; run systemctl daemon-reload."
    fi
}

case "$action" in
    install) do_install ;;
    uninstall) do_uninstall ;;
    *) echo "usage: install.sh install|uninstall" >&2; exit 2 ;;
esac
