using LLama;
using LLama.Native;

namespace Edison.Core.Inference.Engine;

/// <summary>
/// What one decode step computes: one token for every sequence streaming its answer, then prompt tokens for sequences
/// still reading theirs, a full batch when nothing streams and a small chunk when something does, so that a long prompt
/// is read over several steps while the other streams keep going.
/// </summary>
/// <remarks>
/// Sequences enter the batch in id order: with a KV cache per sequence, llama.cpp computes a batch in one pass only
/// over sequences whose ids follow each other in the batch (0, 1, 2, …); any other order or a gap splits the batch
/// into several passes, which on the CPU made four streams cost nearly four single ones.
/// </remarks>
internal sealed class DecodeBatch(int promptChunkWhileStreaming)
{
    private readonly LLamaBatch _batch = new();

    /// <summary>Lays out the next step for the running sequences (in id order), marking where each one's logits will be.</summary>
    public void Fill(RunningSequences running, int batchSize)
    {
        _batch.Clear();
        int streaming = running.Streaming;
        int budget = streaming == 0 ? batchSize : Math.Min(batchSize - streaming, promptChunkWhileStreaming);

        foreach (var sequence in running)
        {
            if (sequence.PromptRemaining == 0)
            {
                sequence.LogitIndex = _batch.Add(sequence.NextToken, sequence.Position, sequence.Id, logits: true);
                continue;
            }

            sequence.LogitIndex = -1;
            if (budget <= 0)
            {
                continue;
            }

            int take = Math.Min(sequence.PromptRemaining, budget);
            bool last = take == sequence.PromptRemaining && !sequence.RewritesCells;
            int index = _batch.AddRange(sequence.Prompt.AsSpan(sequence.PromptFed, take), sequence.Position, sequence.Id, logitsLast: last);
            sequence.LogitIndex = last ? index : -1;
            sequence.PendingPrompt = take;
            budget -= take;
        }
    }

    /// <summary>Lays out a step of one streaming sequence alone (see <see cref="StepSplitting"/>).</summary>
    public void FillOne(Sequence sequence)
    {
        _batch.Clear();
        sequence.LogitIndex = _batch.Add(sequence.NextToken, sequence.Position, sequence.Id, logits: true);
    }

    public DecodeResult DecodeIn(LLamaContext context) => context.Decode(_batch);
}
