using System.Text;

namespace Edison.Core.Inference.Prompts;

/// <summary>
/// A prompt as the model reads it, in the parts that came from the chat template (markup, whose control tokens such
/// as <c>&lt;|im_start|&gt;</c> are real) and the parts that came from people, models and web pages (content, which
/// is always text: a message that spells out a control token cannot open a turn).
/// </summary>
public sealed record PromptText(IReadOnlyList<PromptPart> Parts)
{
    private string? _text;

    /// <summary>The whole prompt as one string, as the template wrote it.</summary>
    public string Text => _text ??= string.Concat(Parts.Select(p => p.Lead + p.Text));

    public static PromptText Content(string text) => new([PromptPart.Content(text)]);

    public override string ToString() => Text;
}

/// <param name="IsMarkup">True for the template's own text, false for a message's content.</param>
/// <param name="IsAnswer">Content that is an earlier answer of the model's: it may be read as the tokens it was written in.</param>
/// <param name="IsOpen">
/// An answer the model writes more of (Continue), read up to its last whole character: one the length limit cut inside a
/// character ended in bytes its text does not hold, and the model would go on from half a character.
/// </param>
/// <param name="Lead">
/// Text the format puts before an answer, read only when the answer is read as text: the model's own tokens begin with
/// it already (the plain format's "Assistant:" is followed by the model's " Hello").
/// </param>
public sealed record PromptPart(string Text, bool IsMarkup, bool IsAnswer = false, string Lead = "", bool IsOpen = false)
{
    public static PromptPart Markup(string text) => new(text, IsMarkup: true);

    public static PromptPart Content(string text) => new(text, IsMarkup: false);
}

/// <summary>Builds a <see cref="PromptText"/> part by part, joining neighbours of the same kind.</summary>
public sealed class PromptTextBuilder
{
    private readonly List<PromptPart> _parts = [];
    private readonly StringBuilder _pending = new();
    private bool _pendingIsMarkup;

    public PromptTextBuilder Markup(string text) => Add(text, isMarkup: true);

    public PromptTextBuilder Content(string text) => Add(text, isMarkup: false);

    /// <summary>An earlier answer: a part of its own, so that its tokens can be matched whole.</summary>
    /// <param name="open">The answer the model goes on writing (see <see cref="PromptPart.IsOpen"/>).</param>
    public PromptTextBuilder Answer(string text, string lead = "", bool open = false)
    {
        Flush();
        if (text.Length > 0)
        {
            _parts.Add(new PromptPart(text, IsMarkup: false, IsAnswer: true, lead, open));
        }

        return this;
    }

    public bool IsEmpty => _parts.Count == 0 && _pending.Length == 0;

    /// <summary>Parts another builder made, each kept as the kind it is.</summary>
    public PromptTextBuilder Parts(IEnumerable<PromptPart> parts)
    {
        foreach (var part in parts)
        {
            if (part.IsAnswer)
            {
                Answer(part.Text, part.Lead, part.IsOpen);
            }
            else
            {
                Add(part.Text, part.IsMarkup);
            }
        }

        return this;
    }

    public PromptText Build()
    {
        Flush();
        return new PromptText(_parts.ToList());
    }

    private PromptTextBuilder Add(string text, bool isMarkup)
    {
        if (text.Length == 0)
        {
            return this;
        }

        if (_pending.Length > 0 && _pendingIsMarkup != isMarkup)
        {
            Flush();
        }

        _pendingIsMarkup = isMarkup;
        _pending.Append(text);
        return this;
    }

    private void Flush()
    {
        if (_pending.Length > 0)
        {
            _parts.Add(new PromptPart(_pending.ToString(), _pendingIsMarkup));
            _pending.Clear();
        }
    }
}
