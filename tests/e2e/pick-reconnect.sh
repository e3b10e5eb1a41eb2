#!/bin/sh
# dunst's "dmenu" in notify.sh: dunst runs this for its context menu
# (dunstctl context) with one line per action of the shown notifications on
# stdin, "#<button label> (<summary>) [<id>,<action key>]", and invokes the
# line printed back. This picks the Reconnect button, as a person choosing
# it from the menu would, and keeps the whole menu in $1 for the test.
menu=$(cat)
printf '%s\n' "$menu" >"$1"
printf '%s\n' "$menu" | grep -m1 '^#Reconnect '
