#!/usr/bin/env bash
# Installs the system packages the test suite needs (Debian/Ubuntu):
#   influxdb   InfluxDB 1.x (influxd), started by the tests on 127.0.0.1 on free ports
#   mosquitto  MQTT broker (cloud sync, MQTT alarm actions, model-update notices)
#   socat      pseudo-terminal pairs for Modbus RTU over a serial line
#   openssl    test CAs and certificates (the TLS broker test; a plant CA, its clients and CRLs for the OPC UA server)
#   chromium   headless browser that test/report/report.e2e.test.ts drives (puppeteer-core) to check the HTML report
# The packages' own services are not used; tests start their own instances with temp data dirs.
set -euo pipefail
has() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }
need=()
has influxd || need+=(influxdb)
has mosquitto || need+=(mosquitto)
has socat || need+=(socat)
has openssl || need+=(openssl)
[ -x /usr/bin/chromium ] || has chromium || need+=(chromium)
if [ ${#need[@]} -eq 0 ]; then
  echo "test dependencies present: influxd, mosquitto, socat, openssl, chromium"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing ${need[*]} with apt-get"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
for tool in influxd mosquitto socat openssl chromium; do
  has "$tool" || { echo "install-test-deps: $tool still missing after apt-get" >&2; exit 1; }
done
