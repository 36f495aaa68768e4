#!/bin/sh
# ipmi_sim chassis_control hook for Eco-Kube's IPMI tests.
# Called as: chassis.sh <mc> get|set|check <parm> [<val>] ...
# The simulated machine's power (0 or 1) lives in the file "power" beside this script. While a
# file "ignore-power-on" exists there, power-on requests are logged and ignored: a machine that
# never starts. Every call is appended to "chassis.log" so tests can see what the BMC was asked.
# ipmi_sim runs this hook for every Get Chassis Status, so its run time is part of every status
# round trip a benchmark measures: it uses shell builtins only, because each dirname or cat
# process would cost about a millisecond more per status read, for any client alike.
dir=${0%/*}
op=$2
shift 2
echo "$op $*" >> "$dir/chassis.log"
case $op in
  get)
    for p in "$@"; do
      case $p in
        power)
          state=
          if [ -f "$dir/power" ]; then read -r state < "$dir/power" || :; fi
          echo "power:${state:-0}";;
        boot) echo "boot:default";;
      esac
    done;;
  set)
    while [ $# -gt 1 ]; do
      case $1 in
        power)
          if [ "$2" = 1 ] && [ -f "$dir/ignore-power-on" ]; then :; else echo "$2" > "$dir/power"; fi;;
        shutdown) echo 0 > "$dir/power";;
      esac
      shift 2
    done;;
esac
exit 0
