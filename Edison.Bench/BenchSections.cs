using LLama;

namespace Edison.Bench;

/// <summary>The benchmark's measurements, each printing its table and returning its figures for the JSON summary.</summary>
public sealed class BenchSections(BenchOptions options, RawLlama raw, LLamaContext context, BenchWorker executors, BenchWorker inProcess, HttpEdison http, string scratch)
{
    private static readonly int[] ClientCounts = [1, 2, 4, 8];

    /// <summary>One stream: LLamaSharp's own ways against Edison in-process and over HTTP.</summary>
    public async Task<object> SingleStreamAsync()
    {
        Way[] ways =
        [
            new("1a raw LLamaSharp StatelessExecutor", () => executors.RunAsync("stateless")),
            new("1b raw LLamaSharp BatchedExecutor", () => executors.RunAsync("batched")),
            new("1c raw LLamaSharp LLamaContext.Decode", () => raw.DirectDecodeAsync(context, 1)),
            new("2  Edison ChatPipeline in-process", () => inProcess.RunAsync("1")),
            new("3  Edison /chat/stream over HTTP", async () => [await http.StreamAsync()]),
        ];
        const int rawWays = 3;
        var rounds = await Rounds.MeasureAsync([ways], options.Runs);

        // The floor is the fastest raw LLamaSharp way, so the ratios never flatter Edison; fastest as ranked within rounds.
        int floor = Enumerable.Range(0, rawWays).MaxBy(way => rounds.RateRatio(way, 0));
        Console.WriteLine();
        Console.WriteLine($"one stream; floor (1): {ways[floor].Name.Trim()}; ratios and added TTFT are medians of each round's own (both sides measured a moment apart)");
        Console.WriteLine("Edison's TTFT is a new message's: the system prompt comes from the prompt cache, the raw ways read it each time");
        Console.WriteLine($"{"measurement",-40} {"TTFT ms",9} {"tok/s",9} {"vs (1) tok/s",12} {"TTFT +ms vs (1)",15}");
        var rows = ways.Select((way, i) => new
        {
            name = way.Name,
            ttft_ms = Math.Round(rounds.TimeToFirstTokenMs(i), 2),
            tokens_per_s = Math.Round(rounds.TokensPerSecond(i), 1),
            tokens = rounds.Tokens(i),
            vs_floor = Math.Round(rounds.RateRatio(i, floor), 3),
            added_ttft_ms = Math.Round(rounds.AddedTimeToFirstTokenMs(i, floor), 2),
        }).ToList();
        foreach (var row in rows)
        {
            Console.WriteLine($"{row.name,-40} {row.ttft_ms,9:F2} {row.tokens_per_s,9:F1} {row.vs_floor,12:F3} {row.added_ttft_ms,15:F2}");
        }

        return rows;
    }

    /// <summary>N streams at once: the raw loop decoding them in one batch, Edison in-process, and N HTTP clients.</summary>
    public async Task<object> ConcurrentAsync()
    {
        // The raw loop decodes every sequence in one batch per step: what batching itself gives, before anything of Edison's.
        string[] kinds = ["raw decode loop, one batch", "Edison in-process", "/chat/stream clients"];
        var rounds = await Rounds.MeasureAsync(
            ClientCounts.Select(n => new Way[]
            {
                new(Concurrent(kinds[0], n), () => raw.DirectDecodeAsync(context, n)),
                new(Concurrent(kinds[1], n), () => inProcess.RunAsync(n.ToString())),
                new(Concurrent(kinds[2], n), () => StreamTiming.AllAtOnceAsync(n, http.StreamAsync)),
            }).ToList(),
            options.Runs);

        Console.WriteLine();
        Console.WriteLine($"{"N streams at once",-36} {"aggregate tok/s",16} {"median TTFT ms",15} {"p95 TTFT ms",12} {"speed-up vs N=1",16} {"vs raw same N",14}");
        var rows = kinds.SelectMany(kind => ClientCounts.Select(n =>
        {
            int way = rounds.IndexOf(Concurrent(kind, n));
            return new
            {
                kind,
                clients = n,
                aggregate_tokens_per_s = Math.Round(rounds.AggregateTokensPerSecond(way), 1),
                median_ttft_ms = Math.Round(rounds.TimeToFirstTokenMs(way), 2),
                p95_ttft_ms = Math.Round(rounds.P95TimeToFirstTokenMs(way), 2),
                speedup = Math.Round(rounds.AggregateRatio(way, rounds.IndexOf(Concurrent(kind, 1))), 3),
                vs_raw = Math.Round(rounds.AggregateRatio(way, rounds.IndexOf(Concurrent(kinds[0], n))), 3),
            };
        })).ToList();
        foreach (var row in rows)
        {
            Console.WriteLine($"{Concurrent(row.kind, row.clients),-36} {row.aggregate_tokens_per_s,16:F1} {row.median_ttft_ms,15:F2} {row.p95_ttft_ms,12:F2} {row.speedup,16:F2} {row.vs_raw,14:F3}");
        }

        return rows;
    }

    /// <summary>
    /// A long message read from the start, each round a new one: the raw loop in full batches against Edison, whose
    /// rate counts only the tokens it read (the prompt cache has the system prompt).
    /// </summary>
    public async Task<object> PromptReadingAsync()
    {
        var messages = Enumerable.Range(0, options.Runs + 1).Select(seed => raw.LongMessage(seed, options.PromptTokens)).ToList();
        var forRaw = BenchMessages.Cycle(messages);
        var forInProcess = BenchMessages.Cycle(messages);
        var forHttp = BenchMessages.Cycle(messages);
        Way[] ways =
        [
            new("raw LLamaContext.Decode, full batches", async () => [await raw.ReadPromptAsync(context, forRaw())]),
            new("Edison ChatPipeline in-process", () => inProcess.RunAsync(BenchWorker.ReadCommand + forInProcess())),
            new("Edison /chat/stream over HTTP", async () => [(await http.StreamAsync(forHttp(), BenchWorker.PromptReadingTokens, null)).Timing]),
        ];
        var rounds = await Rounds.MeasureAsync([ways], options.Runs);

        Console.WriteLine();
        Console.WriteLine($"reading a {options.PromptTokens}-token prompt (a new one each round)");
        Console.WriteLine($"{"measurement",-40} {"tokens read",12} {"TTFT ms",10} {"prompt tok/s",13} {"vs raw",8}");
        var rows = ways.Select((way, i) => new
        {
            name = way.Name,
            tokens_read = rounds.PromptTokensRead(i, 0),
            ttft_ms = Math.Round(rounds.TimeToFirstTokenMs(i), 1),
            prompt_tokens_per_s = Math.Round(rounds.PromptTokensPerSecond(i), 1),
            vs_raw = Math.Round(rounds.PromptRateRatio(i, 0), 3),
        }).ToList();
        foreach (var row in rows)
        {
            Console.WriteLine($"{row.name,-40} {row.tokens_read,12:F0} {row.ttft_ms,10:F1} {row.prompt_tokens_per_s,13:F1} {row.vs_raw,8:F3}");
        }

        return rows;
    }

    /// <summary>
    /// A conversation over HTTP, each turn sent when the answer before it is done, against the raw loop reading a fresh
    /// 20-token prompt: with the prompt cache and without it (two more Edisons, memory off, so that each turn reads
    /// the same text either way), and on the Edison that remembers (memories found for a turn are new text to read).
    /// </summary>
    public async Task<object> ConversationAsync()
    {
        const int parallel = 4;
        await using var cached = new HttpEdison(options, Path.Combine(scratch, "http-cached"), parallel, promptCache: true, memory: false);
        await using var uncached = new HttpEdison(options, Path.Combine(scratch, "http-uncached"), parallel, promptCache: false, memory: false);
        await cached.StartAsync();
        await uncached.StartAsync();
        var texts = BenchMessages.Cycle(Enumerable.Range(0, options.Runs + 1).Select(seed => BenchMessages.Long(seed, 40)).ToList());
        Way[] ways =
        [
            new("raw: a fresh 20-token prompt", async () => [await raw.ReadPromptAsync(context, texts(), formatted: false, tokenLimit: 20)]),
            new("cache on", () => cached.ConversationAsync(options.Turns, options.TurnTokens)),
            new("cache off", () => uncached.ConversationAsync(options.Turns, options.TurnTokens)),
            new("cache on, memory on", () => http.ConversationAsync(options.Turns, options.TurnTokens)),
        ];
        var rounds = await Rounds.MeasureAsync([ways], options.Runs);
        const int fresh = 0, on = 1, off = 2, remembering = 3;

        // Each follow-up again in the raw loop at the same depth: what reading its new tokens costs when the model
        // attends to everything the cache holds before them (the cache-off turn reads the whole prompt).
        var sameDepth = new List<double>();
        for (int turn = 0; turn < options.Turns; turn++)
        {
            int read = (int)rounds.PromptTokensRead(on, turn);
            int depth = (int)rounds.PromptTokensRead(off, turn) - read;
            var timings = new List<double>();
            for (int run = 0; run < Math.Max(1, options.Runs); run++)
            {
                timings.Add((await raw.ReadAfterAsync(context, BenchMessages.Long(run, 2 * (depth + read) + 50), depth, read)).TimeToFirstTokenMs);
            }

            sameDepth.Add(Rounds.Median(timings));
        }

        Console.WriteLine();
        Console.WriteLine($"a {options.Turns}-turn conversation over /chat/stream, {options.TurnTokens}-token answers; " +
                          $"raw loop reading a fresh 20-token prompt: {rounds.TimeToFirstTokenMs(fresh):F1} ms; tokens read and TTFT (ms) per turn");
        Console.WriteLine($"{"turn",5} {"cache on: read",15} {"TTFT",8} {"vs fresh 20",12} {"raw same depth",15} {"vs raw",7} {"cache off: read",16} {"TTFT",8} {"memory on: read",16} {"TTFT",8}");
        var rows = Enumerable.Range(0, options.Turns).Select(turn => new
        {
            turn = turn + 1,
            cache_on_tokens_read = rounds.PromptTokensRead(on, turn),
            cache_on_ttft_ms = Math.Round(rounds.TimeToFirstTokenMs(on, turn), 1),
            cache_on_vs_fresh_20 = Math.Round(rounds.TimeToFirstTokenRatio(on, turn, fresh), 2),
            raw_same_depth_ttft_ms = Math.Round(sameDepth[turn], 1),
            cache_on_vs_raw_same_depth = Math.Round(rounds.TimeToFirstTokenMs(on, turn) / sameDepth[turn], 2),
            cache_off_tokens_read = rounds.PromptTokensRead(off, turn),
            cache_off_ttft_ms = Math.Round(rounds.TimeToFirstTokenMs(off, turn), 1),
            memory_on_tokens_read = rounds.PromptTokensRead(remembering, turn),
            memory_on_ttft_ms = Math.Round(rounds.TimeToFirstTokenMs(remembering, turn), 1),
        }).ToList();
        foreach (var row in rows)
        {
            Console.WriteLine($"{row.turn,5} {row.cache_on_tokens_read,15:F0} {row.cache_on_ttft_ms,8:F1} {row.cache_on_vs_fresh_20,12:F2} " +
                              $"{row.raw_same_depth_ttft_ms,15:F1} {row.cache_on_vs_raw_same_depth,7:F2} " +
                              $"{row.cache_off_tokens_read,16:F0} {row.cache_off_ttft_ms,8:F1} {row.memory_on_tokens_read,16:F0} {row.memory_on_ttft_ms,8:F1}");
        }

        return new { fresh_20_token_prompt_ttft_ms = Math.Round(rounds.TimeToFirstTokenMs(fresh), 1), turns = rows };
    }

    /// <summary>
    /// A long message arriving while an answer streams, in Edison in-process: how long the stream stands still at
    /// most while the prompt is read in chunks (Edison:Model:PromptChunkWhileStreaming), and how soon its answer starts.
    /// </summary>
    public async Task<object> LongPromptDuringAStreamAsync()
    {
        var messages = BenchMessages.Cycle(Enumerable.Range(100, options.Runs + 1).Select(seed => raw.LongMessage(seed, options.PromptTokens)).ToList());
        Way[] ways = [new("during", () => inProcess.RunAsync(BenchWorker.DuringCommand + messages()))];
        var rounds = await Rounds.MeasureAsync([ways], options.Runs);
        var row = new
        {
            prompt_chunk_while_streaming = options.PromptChunk?.ToString() ?? "default",
            stream_longest_gap_ms = Math.Round(rounds.LongestGapMs(0, 0), 1),
            stream_tokens_per_s = Math.Round(rounds.TokensPerSecond(0), 1),
            long_prompt_ttft_ms = Math.Round(rounds.TimeToFirstTokenMs(0, 1), 1),
            long_prompt_tokens_read = rounds.PromptTokensRead(0, 1),
        };
        Console.WriteLine();
        Console.WriteLine($"a {options.PromptTokens}-token message sent while an answer streams (Edison in-process), prompt chunk while streaming {row.prompt_chunk_while_streaming}:");
        Console.WriteLine($"  the stream: longest gap {row.stream_longest_gap_ms:F1} ms, {row.stream_tokens_per_s:F1} tok/s overall; " +
                          $"the long message: {row.long_prompt_tokens_read:F0} tokens read, first token after {row.long_prompt_ttft_ms:F1} ms");
        return row;
    }

    /// <summary>
    /// What holding a tool call to its schema costs while the model writes it (Edison in-process, the engine alone): the
    /// same kind of answer free, and held to a call from its first token, with a string argument (most of the model's
    /// picks fit) and with a list of integers (a model writing noise has nearly every pick refused, so the grammar
    /// filters the whole vocabulary at nearly every token).
    /// </summary>
    public async Task<object> ConstrainedCallsAsync()
    {
        string[] kinds = ["free", "string", "numbers"];
        Way[] ways = [.. kinds.Select(kind => new Way($"answer {kind}", () => inProcess.RunAsync(BenchWorker.CallCommand + kind)))];
        var rounds = await Rounds.MeasureAsync([ways], options.Runs);

        Console.WriteLine();
        Console.WriteLine("a tool offered; the answer free, or held to a call of it from its first token (ratios are medians of each round's own)");
        Console.WriteLine($"{"measurement",-40} {"tokens",7} {"TTFT ms",9} {"tok/s",9} {"vs free",8}");
        var rows = ways.Select((way, i) => new
        {
            name = way.Name,
            tokens = rounds.Tokens(i),
            ttft_ms = Math.Round(rounds.TimeToFirstTokenMs(i), 1),
            tokens_per_s = Math.Round(rounds.TokensPerSecond(i), 1),
            vs_free = Math.Round(rounds.RateRatio(i, 0), 3),
        }).ToList();
        foreach (var row in rows)
        {
            Console.WriteLine($"{row.name,-40} {row.tokens,7} {row.ttft_ms,9:F1} {row.tokens_per_s,9:F1} {row.vs_free,8:F3}");
        }

        return rows;
    }

    /// <summary>
    /// What llama.cpp alone takes to read a follow-up's new tokens after many cached ones: the raw loop reading
    /// <see cref="FollowUpTokens"/> tokens after 0 to 2,048 in its cache, each round against 20 tokens at the start of
    /// an empty context read a moment before. This is the part of a follow-up's time to first token that grows with
    /// the conversation, whatever Edison does. Beside it, <see cref="TiledTokens"/> new tokens after as many: from that
    /// many new tokens of a sequence in one batch, llama.cpp's CPU flash attention scores them in tiles, by matrix
    /// multiplication, instead of a row at a time.
    /// </summary>
    public async Task<object> DepthAsync()
    {
        int[] depths = [0, 128, 256, 512, 1024, 2048];

        // Not kept: the first decodes set up buffers.
        for (int warmUp = 0; warmUp < 10; warmUp++)
        {
            await raw.ReadAfterAsync(context, BenchMessages.Long(warmUp, 100), 0, 20);
        }

        Console.WriteLine();
        Console.WriteLine($"the raw loop reading {FollowUpTokens} and {TiledTokens} tokens after as many cached ones, against 20 tokens in an empty context (paired per round)");
        Console.WriteLine($"{"cached",7} {$"{FollowUpTokens} new ms",10} {"fresh 20 ms",12} {"ratio",6} {$"{TiledTokens} new ms",10} {$"ms/token {FollowUpTokens} | {TiledTokens}",18}");
        var rows = new List<object>();
        foreach (int depth in depths)
        {
            var (deep, fresh, ratio, tiled) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
            for (int run = -1; run < Math.Max(1, options.Runs); run++)
            {
                var text = BenchMessages.Long(run + 1, 2 * (depth + TiledTokens) + 50);
                var freshTiming = await raw.ReadAfterAsync(context, BenchMessages.Long(run + 1, 100), 0, 20);
                var deepTiming = await raw.ReadAfterAsync(context, text, depth, FollowUpTokens);
                var tiledTiming = await raw.ReadAfterAsync(context, text, depth, TiledTokens);
                if (run >= 0)
                {
                    deep.Add(deepTiming.TimeToFirstTokenMs);
                    fresh.Add(freshTiming.TimeToFirstTokenMs);
                    ratio.Add(deepTiming.TimeToFirstTokenMs / freshTiming.TimeToFirstTokenMs);
                    tiled.Add(tiledTiming.TimeToFirstTokenMs);
                }
            }

            var row = new
            {
                cached = depth,
                ttft_ms = Math.Round(Rounds.Median(deep), 1),
                fresh_20_ms = Math.Round(Rounds.Median(fresh), 1),
                ratio = Math.Round(Rounds.Median(ratio), 2),
                tiled_ttft_ms = Math.Round(Rounds.Median(tiled), 1),
            };
            Console.WriteLine($"{row.cached,7} {row.ttft_ms,10:F1} {row.fresh_20_ms,12:F1} {row.ratio,6:F2} {row.tiled_ttft_ms,10:F1} " +
                              $"{$"{row.ttft_ms / FollowUpTokens:F1} | {row.tiled_ttft_ms / TiledTokens:F1}",18}");
            rows.Add(row);
        }

        return new { read = FollowUpTokens, tiled_read = TiledTokens, depths = rows };
    }

    /// <summary>What a follow-up with a short message reads with the prompt cache (see the turns section).</summary>
    private const int FollowUpTokens = 24;

    /// <summary>llama.cpp's CPU flash attention tile (GGML_FA_TILE_Q).</summary>
    private const int TiledTokens = 64;

    private static string Concurrent(string kind, int streams) => $"{kind}, N = {streams}";
}
