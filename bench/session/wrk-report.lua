-- wrk script for bench/support.mjs: `wrk ... -s wrk-report.lua <url> -- <METHOD>`.
-- Sets the method, and prints one machine-readable line at the end instead of making the
-- caller parse wrk's human-oriented units.
function init(args)
  wrk.method = args[1] or "GET"
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT {\"requests\":%d,\"durationUs\":%d,\"p50Us\":%d,\"p99Us\":%d,\"connect\":%d,\"read\":%d,\"write\":%d,\"status\":%d,\"timeout\":%d}\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
