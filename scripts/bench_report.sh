#!/usr/bin/env bash
# scripts/bench_report.sh DIR - summarize DIR/results.jsonl (written by
# bench.sh): per scenario the median and min-max of its runs in Mpps, the
# ratio to the Linux bridge (br_netfilter on) and to in-kernel XDP_REDIRECT
# measured in the same invocation, the placement used and the CPU use of the
# median run; latency percentiles; routing (route against forward and the
# kernel's forwarding, both sinks, the zero-loss searches); serving files (xskfwd serve against
# tftpd-hpa: goodput, windowsize granted, CPU per GB, ratio); 9000-byte frames
# (xskfwd, bridge, devmap: Mpps, Gbit/s, ratios). Writes
# DIR/summary.txt, DIR/summary.json and, when gnuplot is there, DIR/bench.png.
set -euo pipefail
dir=${1:?usage: bench_report.sh DIR}
res=$dir/results.jsonl
[ -s "$res" ] || { echo "bench_report.sh: $res is empty" >&2; exit 1; }

# The awk functions the JSON-lines sections share: get(KEY), the first value
# of "KEY" in the line ($0); med(LIST), the median of a space-separated list
# (0 when empty), leaving its smallest and largest in lo and hi.
# shellcheck disable=SC2016 # awk's $0, not the shell's
AWK_LIB='
function get(key) {
	if (!match($0, "\"" key "\":(\"[^\"]*\"|[0-9.]+)")) return ""
	v = substr($0, RSTART + length(key) + 3, RLENGTH - length(key) - 3); gsub(/"/, "", v); return v
}
function med(list,   a, n, i, j, t) {
	n = split(list, a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	lo = a[1]; hi = a[n]
	return n ? a[int((n + 1) / 2)] : 0
}'

# One line per throughput run: scenario queues size placement pps cpu0 cpu1
runs=$({ grep '"pps"' "$res" || true; } | sed -E \
	's/.*"scenario":"([^"]*)","queues":([0-9]+),"size":([0-9]+),"placement":"([^"]*)".*"pps":([0-9]+).*"cpu":\{(.*)\}\}$/\1 \2 \3 \4 \5 \6/' |
	awk '{ cpu = $6; gsub(/"/, "", cpu); gsub(/:\{usr:/, "=", cpu); gsub(/,sys:/, "/", cpu);
	       gsub(/,sirq:/, "/", cpu); gsub(/\},?/, " ", cpu); print $1, $2, $3, $4, $5, cpu }')

: >"$dir/summary.txt"
: >"$dir/plot.dat"
echo "[]" >"$dir/summary.json"
[ -z "$runs" ] || awk -v bridge=bridge-nf-on -v devmap=xdp-devmap -v plot="$dir/plot.dat" '
{ n[$1]++; v[$1, n[$1]] = $5; q[$1] = $2; s[$1] = $3; pl[$1] = $4
  c = ""; for (i = 6; i <= NF; i++) c = c " " $i; cpu[$1, n[$1]] = c
  if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 } }
END {
  for (j = 1; j <= k; j++) {
    sc = order[j]; m = n[sc]
    for (a = 1; a <= m; a++) { x[a] = v[sc, a]; cc[a] = cpu[sc, a] }
    for (a = 1; a <= m; a++) for (b = a + 1; b <= m; b++) if (x[b] < x[a]) {
      t = x[a]; x[a] = x[b]; x[b] = t; t = cc[a]; cc[a] = cc[b]; cc[b] = t }
    med[sc] = x[int((m + 1) / 2)]; lo[sc] = x[1]; hi[sc] = x[m]; mc[sc] = cc[int((m + 1) / 2)]
  }
  printf "%-22s %2s %5s %9s %19s %8s %8s  %-14s %s\n", "scenario", "q", "bytes", "Mpps", "min-max", "/bridge", "/devmap", "placement", "cpu usr/sys/sirq %"
  for (j = 1; j <= k; j++) {
    sc = order[j]
    rb = (bridge in med && med[bridge] > 0) ? sprintf("%.2fx", med[sc] / med[bridge]) : "-"
    rd = (devmap in med && med[devmap] > 0) ? sprintf("%.2fx", med[sc] / med[devmap]) : "-"
    printf "%-22s %2s %5s %9.3f %9.3f-%-9.3f %8s %8s  %-14s%s\n", sc, q[sc], s[sc], med[sc] / 1e6,
      lo[sc] / 1e6, hi[sc] / 1e6, rb, rd, pl[sc], mc[sc]
    printf "%s{\"scenario\":\"%s\",\"queues\":%s,\"size\":%s,\"median_pps\":%s,\"min_pps\":%s,\"max_pps\":%s,\"runs\":%s,\"placement\":\"%s\"}", (j > 1 ? ",\n" : "[\n"), sc, q[sc], s[sc], med[sc], lo[sc], hi[sc], n[sc], pl[sc] > "/dev/stderr"
    printf "%d %s %.4f %.4f %.4f\n", j - 1, sc, med[sc] / 1e6, lo[sc] / 1e6, hi[sc] / 1e6 > plot
  }
  print "\n]" > "/dev/stderr"
}' <<<"$runs" >"$dir/summary.txt" 2>"$dir/summary.json"

if grep -q '"latency_us"' "$res"; then
	{
		echo
		printf '%-32s %10s %9s %9s %9s %9s  %s\n' "latency (one-way, us)" "rate pps" p50 p99 p99.9 max placement
		grep '"latency_us"' "$res" | sed -E \
			's/.*"scenario":"([^"]*)","rate":([0-9]+),"placement":"([^"]*)","latency_us":\{"p50":([^,]*),"p99":([^,]*),"p999":([^,]*),"max":([^}]*)\}.*/\1 \2 \4 \5 \6 \7 \3/' |
			awk '{ pl = $7; for (i = 8; i <= NF; i++) pl = pl " " $i
			       printf "%-32s %10s %9s %9s %9s %9s  %s\n", $1, $2, $3, $4, $5, $6, pl }'
	} >>"$dir/summary.txt"
fi
if grep -q '"xskfwd_drops"' "$res"; then
	{
		echo
		printf '%-22s %12s %12s %14s\n' "drops at 90% load" "offered pps" "sink pps" "xskfwd drops"
		grep '"xskfwd_drops"' "$res" | sed -E \
			's/.*"scenario":"([^"]*)","rate":([0-9]+),"run":([0-9]+),"sink_pps":([0-9]+),"xskfwd_drops":([0-9]+).*/\1#\3 \2 \4 \5/' |
			awk '{ printf "%-22s %12s %12s %14s\n", $1, $2, $3, $4 }'
	} >>"$dir/summary.txt"
fi
if grep -q '"scenario":"route-' "$res"; then
	# routing: per frame size the medians of the four paths (skb paths at
	# the tc sink, xdp_fib at the XDP sink), route's ratios to forward and
	# to the kernel's forwarding; the skb paths into the XDP sink beside;
	# the zero-loss searches.
	{ grep '"scenario":"route-' "$res" || true; } | awk "$AWK_LIB"'
	function mpps(sc) { return (sc in runs) ? sprintf("%.3f", med(runs[sc]) / 1e6) : "-" }
	function ratio(a, b) { return ((a in runs) && (b in runs) && med(runs[b]) > 0) ? sprintf("%.2fx", med(runs[a]) / med(runs[b])) : "-" }
	get("pps") != "" { runs[get("scenario")] = runs[get("scenario")] " " get("pps") }
	get("zero_loss_pps") != "" { zl[++nz] = $0 }
	END {
		print "\nrouting (Mpps, medians; kernel, forward, route at the tc sink, xdp-fib at the XDP sink)"
		printf "%5s %8s %8s %8s %8s %14s %13s\n", "bytes", "kernel", "xdp-fib", "forward", "route", "route/forward", "route/kernel"
		for (i = 1; i <= 2; i++) {
			b = (i == 1) ? 64 : 1500
			printf "%5s %8s %8s %8s %8s %14s %13s\n", b, mpps("route-kernel-" b), mpps("route-xdp-fib-" b),
				mpps("route-fwd-" b), mpps("route-xskfwd-" b), ratio("route-xskfwd-" b, "route-fwd-" b),
				ratio("route-xskfwd-" b, "route-kernel-" b)
		}
		if ("route-kernel-64-xdpsink" in runs || "route-fwd-64-xdpsink" in runs || "route-xskfwd-64-xdpsink" in runs)
			printf "%5s %8s %8s %8s %8s %14s %13s  (the same skb paths into the XDP_DROP sink)\n", 64, mpps("route-kernel-64-xdpsink"), "",
				mpps("route-fwd-64-xdpsink"), mpps("route-xskfwd-64-xdpsink"),
				ratio("route-xskfwd-64-xdpsink", "route-fwd-64-xdpsink"), ratio("route-xskfwd-64-xdpsink", "route-kernel-64-xdpsink")
		if (nz) {
			printf "\n%-26s %5s %12s %12s %-12s %12s  %s\n", "zero loss (tc sink)", "bytes", "no loss pps", "failed pps", "failed by", "unpaced pps", "placement"
			for (i = 1; i <= nz; i++) {
				$0 = zl[i]
				printf "%-26s %5s %12s %12s %-12s %12s  %s\n", get("scenario"), get("size"), get("zero_loss_pps"),
					get("failed_pps"), get("failed_by"), get("unpaced_pps"), get("placement")
			}
		}
	}' >>"$dir/summary.txt"
fi
if grep -q '"scenario":"jumbo-' "$res"; then
	# 9000-byte frames: Mpps and Gbit/s (frame bytes without FCS, x 8) of
	# each path's median run, and xskfwd's ratios to the bridge and devmap.
	{ grep '"scenario":"jumbo-' "$res" || true; } | awk "$AWK_LIB"'
	get("pps") != "" { sc = get("scenario"); runs[sc] = runs[sc] " " get("pps"); size[sc] = get("size"); sink[sc] = get("sink") }
	END {
		print "\n9000-byte frames (MTU 9000; medians; Gbit/s = pps x frame bytes x 8)"
		printf "%-14s %6s %9s %9s %5s %10s %10s\n", "path", "bytes", "Mpps", "Gbit/s", "sink", "xskfwd/it", ""
		x = ("jumbo-xskfwd" in runs) ? med(runs["jumbo-xskfwd"]) : 0
		for (i = 1; i <= 3; i++) {
			sc = (i == 1) ? "jumbo-bridge" : (i == 2) ? "jumbo-devmap" : "jumbo-xskfwd"
			if (!(sc in runs)) continue
			m = med(runs[sc])
			printf "%-14s %6s %9.3f %9.2f %5s %10s\n", sc, size[sc], m / 1e6, m * size[sc] * 8 / 1e9, sink[sc],
				(i < 3 && m > 0 && x > 0) ? sprintf("%.2fx", x / m) : "-"
		}
	}' >>"$dir/summary.txt"
fi
if grep -q '"goodput_MBps"' "$res"; then
	# serve: per server, clients and asked windowsize, the median goodput of
	# the runs (min-max), the windowsize the server granted, the median CPU
	# seconds per GB, the client's CPU use (is it the bottleneck?), and
	# xskfwd's median over tftpd-hpa's.
	grep '"goodput_MBps"' "$res" |
		awk "$AWK_LIB"'
		{ srv = get("server"); k = get("clients") " " get("windowsize"); la = get("loadavg") + 0
		  if (!(k in seen)) { seen[k] = 1; keys[++nk] = k }
		  g[srv, k] = g[srv, k] " " get("goodput_MBps"); c[srv, k] = c[srv, k] " " get("cpu_s_per_GB")
		  u[srv, k] = u[srv, k] " " 100 * get("cpu_s") / get("seconds")
		  w[srv, k] = get("negotiated_windowsize"); err += get("errors")
		  if (NR == 1 || la < lmin) lmin = la; if (la > lmax) lmax = la }
		END {
			printf "\nserving (goodput MB/s = 10^6 B/s; win: windowsize granted; server CPU s per GB served;"
			printf " cli%%: client CPU use)\n"
			printf "%-7s %6s | %-43s | %-43s | %s\n", "", "asked", "tftpd-hpa", "xskfwd serve", "xskfwd /"
			printf "%-7s %6s | %7s %15s %4s %8s %4s | %7s %15s %4s %8s %4s | %s\n", "clients", "window",
				"MB/s", "min-max", "win", "cpu s/GB", "cli%", "MB/s", "min-max", "win", "cpu s/GB", "cli%", "tftpd-hpa"
			for (i = 1; i <= nk; i++) {
				k = keys[i]; split(k, kk, " ")
				line = sprintf("%7s %6s", kk[1], kk[2])
				for (s = 1; s <= 2; s++) {
					srv = (s == 1) ? "tftpd-hpa" : "xskfwd"
					if (!((srv, k) in g)) { line = line sprintf(" | %7s %15s %4s %8s %4s", "-", "-", "-", "-", "-"); m[s] = 0; continue }
					m[s] = med(g[srv, k]); l = lo; h = hi
					line = line sprintf(" | %7.1f %15s %4s %8.2f %4.0f", m[s], sprintf("%.1f-%.1f", l, h), w[srv, k],
						med(c[srv, k]), med(u[srv, k]))
				}
				line = line sprintf(" | %s", m[1] > 0 && m[2] > 0 ? sprintf("%.2fx", m[2] / m[1]) : "-")
				print line
			}
			printf "verify errors in all serve runs: %d; load average before each run (it counts the" \
				" servers own processes too): %.2f-%.2f\n", err, lmin, lmax
		}' >>"$dir/summary.txt"
fi
cat "$dir/summary.txt"

if command -v gnuplot >/dev/null && [ -s "$dir/plot.dat" ]; then
	gnuplot <<EOF2
set terminal png size 1200,600
set output "$dir/bench.png"
set title "xskfwd vs the kernel's paths on the veth rig (median of runs, bars: min-max)"
set ylabel "Mpps at the sink"
set style fill solid 0.6
set boxwidth 0.6
set xtics rotate by -40
set bmargin 9
set rmargin 8
set yrange [0:*]
plot "$dir/plot.dat" using 1:3:xtic(2) with boxes notitle, \
     "" using 1:3:4:5 with yerrorbars lc rgb "black" notitle
EOF2
	echo "chart: $dir/bench.png"
fi
