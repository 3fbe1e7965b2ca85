#!/bin/sh
# Starts the kit in its container (and the same way outside one): every setting comes from
# ELAN_* environment variables (widgets/core/settings.py). The tables are created or
# upgraded first; a database still starting is waited for, a few seconds at a time.
set -eu

: "${ELAN_DATA_DIR:=/var/lib/elan}"
: "${ELAN_IP:=0.0.0.0}"
: "${ELAN_PORT:=8866}"
: "${ELAN_UPGRADE_TRIES:=30}"
export ELAN_DATA_DIR ELAN_IP ELAN_PORT
ELAN="${ELAN_BIN:-elan}"

tries=0
until "$ELAN" upgrade; do
    tries=$((tries + 1))
    if [ "$tries" -ge "$ELAN_UPGRADE_TRIES" ]; then
        exit 1
    fi
    sleep 2
done

# exec: the server is the process the container's stop signal reaches.
exec "$ELAN" serve "$@"
