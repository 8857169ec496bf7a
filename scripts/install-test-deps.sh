#!/usr/bin/env bash
# Installs the system packages the test suite starts as real servers (Debian/Ubuntu):
#   influxdb   InfluxDB 1.x (influxd), started by the tests on 127.0.0.1 on free ports
#   mosquitto  MQTT broker (cloud-sync tests)
#   socat      pseudo-terminal pairs for Modbus RTU over a serial line
# The packages' own services are not used; tests start their own instances with temp data dirs.
set -euo pipefail
need=()
command -v influxd >/dev/null 2>&1 || need+=(influxdb)
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
command -v socat >/dev/null 2>&1 || need+=(socat)
if [ ${#need[@]} -eq 0 ]; then
  echo "test dependencies present: influxd, mosquitto, socat"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing ${need[*]} with apt-get"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# policy-rc.d keeps Debian from starting the packages' system services during install.
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
command -v influxd >/dev/null
