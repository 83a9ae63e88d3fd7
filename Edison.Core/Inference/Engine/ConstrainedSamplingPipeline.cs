using LLama.Native;
using LLama.Sampling;

namespace Edison.Core.Inference.Engine;

/// <summary>
/// Sampling held to a grammar once it applies (<see cref="SamplingGrammar"/>), as llama.cpp's own sampler does it: the
/// token the usual chain picks is checked against the grammar alone, and only when the grammar refuses it are the
/// tokens the grammar could take filtered, so a model that writes what the grammar allows pays almost nothing for it.
/// Those are found from their first byte (<see cref="TokensByFirstByte"/>): where the grammar allows only a few
/// characters, as between a call's JSON tokens, it checks a few hundred tokens instead of the whole vocabulary. A token
/// the grammar cannot take (one Edison writes, such as the thinking's close) ends the constraint instead of failing
/// the answer.
/// </summary>
internal sealed class ConstrainedSamplingPipeline(BaseSamplingPipeline chain, SamplingGrammar grammar) : ISamplingPipeline
{
    private readonly LLamaTokenData[] _one = new LLamaTokenData[1];
    private SafeLLamaSamplerChainHandle? _grammar;
    private SafeLlamaModelHandle.Vocabulary? _vocabulary;
    private LLamaTokenData[]? _all;
    private LLamaTokenData[]? _bytes;
    private byte[]? _firstBytes;
    private bool _ended;

    public LLamaToken Sample(SafeLLamaContextHandle context, int index)
    {
        _vocabulary ??= context.Vocab;
        if (_grammar is null && grammar.Triggers.Count == 0 && !_ended)
        {
            _grammar = Create(context.Vocab);
        }

        if (_grammar is null)
        {
            var token = chain.Sample(context, index);
            Start(token);
            return token;
        }

        var logits = context.GetLogitsIth(index);
        _all ??= new LLamaTokenData[logits.Length];
        LLamaToken candidate;
        using (LLamaTokenDataArrayNative.Create(LLamaTokenDataArray.Create(logits, _all), out var native))
        {
            chain.Apply(context, ref native);
            candidate = native.Data[checked((int)native.Selected)].ID;
        }

        if (Allows(candidate))
        {
            // Checked already: the grammar reads it without a second check, as most tokens of a call are read.
            chain.Accept(candidate);
            _grammar.Accept(candidate);
            return candidate;
        }

        candidate = FewTheGrammarAllows(context, logits) ?? AnyTheGrammarAllows(context, logits);
        Accept(candidate);
        return candidate;
    }

    public void Apply(SafeLLamaContextHandle context, LLamaTokenDataArray data) => chain.Apply(context, data);

    /// <summary>The chain's pick among the tokens whose first byte the grammar takes; null when they are most of the vocabulary.</summary>
    private LLamaToken? FewTheGrammarAllows(SafeLLamaContextHandle context, ReadOnlySpan<float> logits)
    {
        var tokens = grammar.Tokens;
        _bytes ??= new LLamaTokenData[256];
        _firstBytes ??= new byte[256];
        int count = 0;
        for (int first = 0; first < 256; first++)
        {
            if (tokens.OneByte[first] is { } one)
            {
                _firstBytes[count] = (byte)first;
                _bytes[count++] = new LLamaTokenData(one, 0, 0);
            }
        }

        var named = grammar.Named ?? [];
        int candidates = tokens.Always.Count + named.Count;
        using (LLamaTokenDataArrayNative.Create(new LLamaTokenDataArray(_bytes.AsMemory(0, count)), out var native))
        {
            _grammar!.Apply(ref native);
        }

        for (int i = 0; i < count; i++)
        {
            if (!float.IsNegativeInfinity(_bytes[i].Logit))
            {
                candidates += tokens.StartingWith(_firstBytes[i]).Count;
            }
        }

        if (candidates > tokens.Count / 2)
        {
            return null;
        }

        var few = new LLamaTokenData[candidates];
        int at = 0;
        foreach (var token in tokens.Always.Concat(named))
        {
            few[at++] = new LLamaTokenData(token, logits[(int)token], 0);
        }

        for (int i = 0; i < count; i++)
        {
            if (!float.IsNegativeInfinity(_bytes[i].Logit))
            {
                foreach (var token in tokens.StartingWith(_firstBytes[i]))
                {
                    few[at++] = new LLamaTokenData(token, logits[(int)token], 0);
                }
            }
        }

        using (LLamaTokenDataArrayNative.Create(new LLamaTokenDataArray(few), out var native))
        {
            _grammar.Apply(ref native);
            chain.Apply(context, ref native);
            return native.Data[checked((int)native.Selected)].ID;
        }
    }

    private LLamaToken AnyTheGrammarAllows(SafeLLamaContextHandle context, ReadOnlySpan<float> logits)
    {
        using (LLamaTokenDataArrayNative.Create(LLamaTokenDataArray.Create(logits, _all), out var native))
        {
            _grammar!.Apply(ref native);
            chain.Apply(context, ref native);
            return native.Data[checked((int)native.Selected)].ID;
        }
    }

    public void Accept(LLamaToken token)
    {
        chain.Accept(token);
        if (_grammar is null)
        {
            Start(token);
            return;
        }

        if (Allows(token))
        {
            _grammar.Accept(token);
        }
        else
        {
            End();
        }
    }

    public void Reset()
    {
        chain.Reset();
        End();
        _ended = false;
    }

    public void Dispose()
    {
        chain.Dispose();
        _grammar?.Dispose();
    }

    /// <summary>Applies the grammar from a trigger on: the trigger is the first token it reads.</summary>
    private void Start(LLamaToken token)
    {
        if (_ended || _vocabulary is not { } vocabulary || !grammar.Triggers.Contains(token))
        {
            return;
        }

        _grammar = Create(vocabulary);
        if (Allows(token))
        {
            _grammar.Accept(token);
        }
        else
        {
            End();
        }
    }

    private SafeLLamaSamplerChainHandle Create(SafeLlamaModelHandle.Vocabulary vocabulary)
    {
        var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        chain.AddGrammar(vocabulary, grammar.Gbnf, "root");
        return chain;
    }

    /// <summary>Whether the grammar takes <paramref name="token"/> next: llama.cpp fails on a token its grammar cannot take.</summary>
    private bool Allows(LLamaToken token)
    {
        _one[0] = new LLamaTokenData(token, 1, 0);
        using (LLamaTokenDataArrayNative.Create(new LLamaTokenDataArray(_one, isSorted: true), out var native))
        {
            _grammar!.Apply(ref native);
            return !float.IsNegativeInfinity(native.Data[0].Logit);
        }
    }

    private void End()
    {
        _grammar?.Dispose();
        _grammar = null;
        _ended = true;
    }
}
