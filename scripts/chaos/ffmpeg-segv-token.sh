#!/bin/sh
# FFMPEG_PATH stand-in for the chaos run: an encode (an invocation with "-i")
# that can claim a token file from $CHAOS_SEGV_DIR dies by SIGSEGV; everything
# else is the real ffmpeg. `mv` is atomic, so one token crashes exactly one run,
# and only ffmpeg runs of this chaos run ever see the tokens.
REAL="${REAL_FFMPEG:-/usr/bin/ffmpeg}"
case " $* " in
  *" -i "*)
    for token in "$CHAOS_SEGV_DIR"/token-*; do
      [ -e "$token" ] || continue
      if mv "$token" "$CHAOS_SEGV_DIR/used-$$" 2>/dev/null; then
        kill -SEGV $$
      fi
    done
    ;;
esac
exec "$REAL" "$@"
