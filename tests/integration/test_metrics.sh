# shellcheck shell=bash
# test_metrics.sh - xskfwd forward --metrics: the Prometheus endpoint, on the
# veth rig (gen -- fwd -- sink, prefix xpm-, made by setup_file and removed
# by teardown_file).
#
# What a user checks: promtool accepts the exposition; a real Prometheus
# server (Debian's, started here in the forwarder's namespace with its own
# config and storage in the test's scratch dir, scraping every second)
# answers a query for the forwarded frames with what gen sent (less what the
# kernel counted lost before the forwarder); the last scrape before the
# forwarder stops equals its exit summary; other paths are 404; a bad
# --metrics is one line and exit 2, a port in use one line and exit 1.
# Prometheus and the forwarder are started with bg_start and stopped by PID.

RIG_PREFIX=xpm-
METRICS_PORT=19464
PROM_PORT=19090
# gen's frames (UDP to port 9000): only they are forwarded, so the host
# stacks' own chatter (IPv6 ND, MLD) never moves the forwarded counters.
GEN_RULE="udp dport 9000"

setup_file() {
	require_root
	require_cmd ip ethtool curl
	[ -x "$XF_BIN/xskfwd" ] || fail "build first: make"
	rig_up
}

teardown_file() {
	"$XF_RIG" down --prefix "$RIG_PREFIX" >/dev/null 2>&1 || true
}

# scrape: GET http://127.0.0.1:METRICS_PORT/metrics in
# the forwarder's namespace; the body on stdout, fails on an HTTP error.
scrape() {
	ip netns exec "$RIG_FWD" curl -sSf --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics"
}

# metric_sum FILE NAME PORT: "SUM COUNT" of family NAME's samples for PORT
# (summed over its queues) in exposition FILE.
metric_sum() {
	awk -v n="$2" -v p="port=\"$3\"" '
		/^xskfwd_/ { split($1, a, "{"); if (a[1] == n && index(a[2], p) == 1) { s += $2; c++ } }
		END { print s + 0, c + 0 }' "$1"
}

# gen COUNT: gen0 sends COUNT frames to sink0 through the forwarder, paced;
# prints gen's exact "sent" count.
gen() {
	ip netns exec "$RIG_GEN" "$XF_BIN/xskfwd" gen "$RIG_GEN_IF" --dst-mac "$RIG_SINK_MAC" \
		--count "$1" --rate 10000 >"$XF_TEST_TMP/gen.out"
	cat "$XF_TEST_TMP/gen.out" >&2
	sed -n 's/^summary gen [^ ]* ([0-9.]* s): sent \([0-9]*\) .*/\1/p' "$XF_TEST_TMP/gen.out"
}

# prom_start: Prometheus in the forwarder's namespace, scraping xskfwd every
# second, its config and TSDB in the test's scratch dir; waits until ready.
prom_start() {
	local dir=$XF_TEST_TMP/prom
	mkdir -p "$dir/data"
	cat >"$dir/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: xskfwd
    static_configs:
      - targets: ['127.0.0.1:$METRICS_PORT']
EOF
	bg_start prom ip netns exec "$RIG_FWD" prometheus --config.file="$dir/prometheus.yml" \
		--storage.tsdb.path="$dir/data" --web.listen-address="127.0.0.1:$PROM_PORT"
	wait_until 30 ip netns exec "$RIG_FWD" curl -sf -o /dev/null \
		"http://127.0.0.1:$PROM_PORT/-/ready" || {
		cat "$(bg_log prom)"
		fail "Prometheus did not become ready"
	}
}

# prom_query QUERY: the value of a one-element instant vector QUERY, from
# Prometheus' HTTP API (empty when it has no sample).
prom_query() {
	ip netns exec "$RIG_FWD" curl -sSf --max-time 5 \
		"http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode "query=$1" |
		sed -n 's/.*"value":\[[0-9.]*,"\([^"]*\)"\].*/\1/p'
}

# forwarded_is N: the forwarder's own /metrics counts N frames out of fwd1.
forwarded_is() {
	scrape >"$XF_TEST_TMP/now.txt" &&
		[[ "$(metric_sum "$XF_TEST_TMP/now.txt" xskfwd_tx_packets_total "$RIG_FWD_B")" == "$1 "* ]]
}

prom_equals() { [[ "$(prom_query "$1")" == "$2" ]]; }

test_promtool_accepts_exposition() {
	require_cmd promtool
	fwd_start --metrics "127.0.0.1:$METRICS_PORT" --match "$GEN_RULE"
	assert_file_contains "$FWD_LOG" "metrics at http://127.0.0.1:$METRICS_PORT/metrics"
	gen 100 >/dev/null
	scrape >"$XF_TEST_TMP/m.txt"
	cat "$XF_TEST_TMP/m.txt"
	promtool check metrics <"$XF_TEST_TMP/m.txt" || fail "promtool rejects the exposition"
	assert_file_contains "$XF_TEST_TMP/m.txt" "# TYPE xskfwd_rx_packets_total counter"
	assert_file_contains "$XF_TEST_TMP/m.txt" "xskfwd_up 1"
	assert_file_contains "$XF_TEST_TMP/m.txt" "xskfwd_build_info{version=\""
	assert_file_contains "$XF_TEST_TMP/m.txt" "xskfwd_xdp_redirected_total{port=\"$RIG_FWD_A\"}"
	assert_file_contains "$XF_TEST_TMP/m.txt" "xskfwd_drops_total{port=\"$RIG_FWD_B\"} 0"
	assert_file_contains "$XF_TEST_TMP/m.txt" \
		"xskfwd_rx_packets_total{port=\"$RIG_FWD_A\",queue=\"0\"}"
	# Only /metrics is served.
	assert_eq 404 "$(ip netns exec "$RIG_FWD" curl -s -o /dev/null -w '%{http_code}' \
		"http://127.0.0.1:$METRICS_PORT/")" "status of /"
	assert_eq 404 "$(ip netns exec "$RIG_FWD" curl -s -o /dev/null -w '%{http_code}' \
		"http://127.0.0.1:$METRICS_PORT/metrics/x")" "status of /metrics/x"
	fwd_stop
}

# The brief's check: Prometheus' forwarded-frames counter equals what gen
# sent, and the last scrape before the stop equals the exit summary.
test_prometheus_scrapes_forwarded_frames() {
	require_cmd prometheus
	local sent lost0 lost want f p name v metric got n compared=0
	fwd_start --metrics "127.0.0.1:$METRICS_PORT" --match "$GEN_RULE"
	prom_start
	wait_until 15 prom_equals "up{job=\"xskfwd\"}" 1 || fail "Prometheus never scraped xskfwd"
	lost0=$(veth_lost "$RIG_GEN:$RIG_GEN_IF" "$RIG_FWD:$RIG_FWD_A")
	sent=$(gen 5000)
	assert_eq 5000 "$sent" "gen's sent"
	# Lost before the forwarder, as the kernel counted it: gen0's tx, fwd0's
	# rx queue (a failed redirect to the socket's full rx ring).
	lost=$(($(veth_lost "$RIG_GEN:$RIG_GEN_IF" "$RIG_FWD:$RIG_FWD_A") - lost0))
	want=$((sent - lost))
	wait_until 5 forwarded_is "$want" || { scrape; fail "the forwarder's own counter never reached $want"; }
	# A scrape after the traffic stopped: bounded.
	wait_until 15 prom_equals "sum(xskfwd_tx_packets_total{port=\"$RIG_FWD_B\"})" "$want" || true
	got=$(prom_query "sum(xskfwd_tx_packets_total{port=\"$RIG_FWD_B\"})")
	echo "gen sent $sent, the kernel counted $lost lost before fwd0, Prometheus says $got forwarded"
	assert_eq "$want" "$got" "Prometheus: frames forwarded out of $RIG_FWD_B"
	scrape >"$XF_TEST_TMP/last.txt"
	fwd_stop
	bg_stop prom TERM
	assert_eq 0 "$BG_STATUS" "Prometheus' exit status"
	# The last scrape equals the summary, field by field; but for three
	# counters that move without the generator's frames, where the summary
	# is at least the scrape: the kernel's tx_ring_empty and
	# rx_fill_ring_empty count events (a wake-up that found the ring
	# empty), which the exit drain adds to, and xdp_pass_nomatch counts the
	# namespaces' own IPv6 ND/MLD frames, which may arrive at any time.
	for p in "$RIG_FWD_A" "$RIG_FWD_B"; do
		while read -r f; do
			name=${f%%=*} v=${f#*=} metric=xskfwd_${name}_total
			[[ "$name" == rx_left ]] && metric=xskfwd_rx_left
			read -r got n < <(metric_sum "$XF_TEST_TMP/last.txt" "$metric" "$p")
			assert_ge "$n" 1 "samples of $metric for $p"
			case "$name" in
			tx_ring_empty | rx_fill_ring_empty | xdp_pass_nomatch)
				assert_ge "$v" "$got" "$p $name: summary at least the last scrape" ;;
			*) assert_eq "$v" "$got" "$p $name: summary and the last scrape" ;;
			esac
			compared=$((compared + 1))
		done < <(grep "^summary $p " "$FWD_LOG" | grep -o '[a-z_]*=[0-9]*')
	done
	echo "$compared summary counters equal the last scrape's"
	assert_ge "$compared" 30 "summary counters compared"
}

test_metrics_ipv6() {
	ip netns exec "$RIG_FWD" ip -6 addr show dev lo | grep -q '::1/128' || skip "no ::1 in the namespace"
	fwd_start --metrics "[::1]:$METRICS_PORT"
	assert_file_contains "$FWD_LOG" "metrics at http://[::1]:$METRICS_PORT/metrics"
	ip netns exec "$RIG_FWD" curl -sSfg --max-time 5 "http://[::1]:$METRICS_PORT/metrics" |
		grep -q '^xskfwd_up 1$' || fail "nothing served on [::1]:$METRICS_PORT"
	fwd_stop
}

test_metrics_port_in_use() {
	require_cmd socat
	local rc=0
	bg_start holder ip netns exec "$RIG_FWD" socat "TCP-LISTEN:$METRICS_PORT,bind=127.0.0.1,reuseaddr" /dev/null
	wait_until 5 tcp_listening "$RIG_FWD" "$METRICS_PORT" || fail "socat did not listen"
	ip netns exec "$RIG_FWD" "$XF_BIN/xskfwd" forward "$RIG_FWD_A" "$RIG_FWD_B" \
		--metrics "127.0.0.1:$METRICS_PORT" >"$XF_TEST_TMP/out" 2>"$XF_TEST_TMP/err" || rc=$?
	bg_stop holder TERM
	cat "$XF_TEST_TMP/err"
	assert_eq 1 "$rc" "exit status with the port in use"
	assert_eq 1 "$(wc -l <"$XF_TEST_TMP/err")" "error lines"
	assert_file_contains "$XF_TEST_TMP/err" \
		"xskfwd: --metrics 127.0.0.1:$METRICS_PORT: Address already in use"
	assert_no_xdp "$RIG_FWD" "$RIG_FWD_A"
	assert_no_xdp "$RIG_FWD" "$RIG_FWD_B"
	assert_no_lock "$RIG_FWD" "$RIG_FWD_A"
}

test_metrics_bad_arguments() {
	assert_bad_args <<'EOF'
xskfwd: forward: --metrics: '127.0.0.1': expected ADDR:PORT or [IPv6]:PORT|forward a b --metrics 127.0.0.1
xskfwd: forward: --metrics: '9100': expected ADDR:PORT|forward a b --metrics 9100
xskfwd: forward: --metrics: '::1:9100': expected ADDR:PORT|forward a b --metrics ::1:9100
xskfwd: forward: --metrics: 'localhost': not an IPv4 or [IPv6] address|forward a b --metrics localhost:9100
xskfwd: forward: --metrics: '[::1]9100': expected ADDR:PORT|forward a b --metrics '[::1]9100'
xskfwd: forward: --metrics: 0 is out of range (1..65535)|forward a b --metrics 127.0.0.1:0
xskfwd: forward: --metrics: 70000 is out of range (1..65535)|forward a b --metrics 127.0.0.1:70000
xskfwd: forward: --metrics: 'x' is not a number|forward a b --metrics 127.0.0.1:x
xskfwd: route: --metrics: '[::1]': expected ADDR:PORT|route a b --metrics '[::1]'
EOF
}
