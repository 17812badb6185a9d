-- wrk script of bench/cds.sh (issue 13): one CDS Hooks request per call, each
-- with a token of its own, every answer checked.
--
--   wrk -tT -cC ... -s bench/cds/request.lua URL -- TOKENS T
--
-- TOKENS: a file of JWTs, one a line (jwt_tool mint), or "-" for none (the
-- --insecure-no-auth baseline, which builds the same requests without the
-- header, so that the Lua work is the same in both). The service keeps every
-- jti it has accepted and answers a replayed one with 401, so thread i of T
-- takes lines i, i+T, i+2T ... and no two requests share a token.
-- Env: CDS_RATE, requests/s per thread, with exactly one connection per
-- thread (-tN -cN): delay() keeps a fixed schedule, and the latency from each
-- request's scheduled time is recorded besides wrk's own (from the moment it
-- was sent), which hides the waiting of a stalled schedule (coordinated
-- omission).
-- CDS_BODY, the POST body (unset: GET); CDS_SAMPLES, a file for the
-- paced latencies (microseconds: scheduled, sent, one pair a line).
--
-- done() prints "cds: ..." counts and exits 1 when an answer was not 200 or
-- the tokens ran out (wrk's report is printed before).
local ffi = require("ffi")
ffi.cdef [[
struct cds_timespec { long tv_sec; long tv_nsec; };
int clock_gettime(int clk, struct cds_timespec *ts);
]]
local ts = ffi.new("struct cds_timespec")
local function now_us()
	ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
	return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3
end

local threads, count = {}, 0
function setup(thread)
	thread:set("id", count)
	count = count + 1
	threads[#threads + 1] = thread
end

local tokens, ntokens, used, auth, nthreads = {}, 0, 0, false, 1
local method, body, headers = "GET", nil, {}
local rate = tonumber(os.getenv("CDS_RATE") or "")
local interval, start, k, sched, sent = rate and 1e6 / rate, nil, 0, 0, 0
-- read back by done() through thread:get
non200, exhausted, answers, lat = 0, 0, 0, {}

function init(args)
	local path = args[1]
	nthreads = tonumber(args[2])
	if path ~= "-" then
		auth = true
		local i = 0
		for line in io.lines(path) do
			if i % nthreads == id then
				ntokens = ntokens + 1
				tokens[ntokens] = line
			end
			i = i + 1
		end
	end
	local bf = os.getenv("CDS_BODY")
	if bf and bf ~= "" then
		local f = assert(io.open(bf, "rb"))
		body = f:read("*a")
		f:close()
		method = "POST"
		headers["Content-Type"] = "application/json"
	end
end

-- wrk paces only when the script has a delay(): defined when CDS_RATE is set
local function paced()
	local t = now_us()
	if not start then
		-- threads start together: spread them over one interval
		start = t + interval * id / nthreads
	end
	sched = start + k * interval
	k = k + 1
	local wait = (sched - t) / 1e3
	-- whole milliseconds, rounded up: a request is never sent before it is due
	return wait > 0 and math.ceil(wait) or 0
end
if interval then
	delay = paced
end

function request()
	if auth then
		used = used + 1
		if used > ntokens then
			-- sent without a token (a 401, counted), and the thread ends
			exhausted = 1
			wrk.thread:stop()
			headers["Authorization"] = nil
		else
			headers["Authorization"] = "Bearer " .. tokens[used]
		end
	end
	sent = interval and now_us() or 0
	return wrk.format(method, nil, headers, body)
end

function response(status)
	answers = answers + 1
	if status ~= 200 then
		non200 = non200 + 1
	end
	if interval then
		local t = now_us()
		lat[#lat + 1] = string.format("%.0f %.0f", t - sched, t - sent)
	end
end

function done()
	local bad, short, n, f = 0, 0, 0, nil
	local path = os.getenv("CDS_SAMPLES")
	if path and path ~= "" then
		f = assert(io.open(path, "w"))
	end
	for _, t in ipairs(threads) do
		bad = bad + t:get("non200")
		short = short + t:get("exhausted")
		n = n + t:get("answers")
		if f then
			for _, line in ipairs(t:get("lat")) do
				f:write(line, "\n")
			end
		end
	end
	if f then
		f:close()
	end
	print(string.format("cds: answers %d, not 200: %d, threads out of tokens: %d", n, bad, short))
	if bad > 0 or short > 0 then
		os.exit(1)
	end
end
