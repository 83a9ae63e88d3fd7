using Edison.Core.Inference.Prompts;

namespace Edison.Core.Inference.Engine;

/// <summary>
/// Parts a thinking model's streamed text into its thinking and its answer, by the format's markup, which reaches
/// neither: thinking opened by the prompt or by the model runs to its close, and what lies outside it is the answer
/// (a model that opens its thinking again later thinks again, its markup never in the answer; markup that only opens
/// the answer, as harmony's final channel, is dropped). Text that might be the start of the markup is held back until
/// it is sure, as stop strings are.
/// </summary>
public sealed class ThinkingSplitter(ThinkingFormat format, bool startsThinking)
{
    /// <summary>
    /// What the answer is watched for: the thinking opening again, then markup that is never the answer (what opens
    /// the answer, and any of the format's markers astray, such as a close with nothing open), longest first, so that
    /// where two start at one place the longer is taken.
    /// </summary>
    private readonly string[] _watched =
        [.. new[] { format.Open }.Concat(format.AnswerMarkup).Concat(format.Markers).Concat(format.CallMarkup.Keys).Distinct().OrderByDescending(markup => markup.Length)];
    private string _held = string.Empty;
    private State _state = startsThinking ? State.Thinking : State.Before;

    /// <summary>True until the thinking's first words: the white space after its opening is the markup's.</summary>
    private bool _thinkingStarts = true;

    private enum State
    {
        /// <summary>
        /// Nothing but white space yet, at the start or since the thinking closed: the model may still open its
        /// thinking, and the white space is the markup's, not the answer's.
        /// </summary>
        Before,
        Thinking,
        Answering,

        /// <summary>In a call (<see cref="ThinkingFormat.CallMarkup"/>): the rest is passed on whole.</summary>
        Calling,
    }

    /// <summary>Whether what the model writes now is thinking.</summary>
    public bool IsThinking => _state == State.Thinking;

    /// <summary>Whether what the model writes now is its answer (not its thinking, nor markup that may open either).</summary>
    public bool IsAnswering => _state is State.Answering or State.Calling;

    /// <summary>Adds streamed text; returns what can be released now, each piece marked thinking or not.</summary>
    public IReadOnlyList<(string Text, bool IsThinking)> Push(string text)
    {
        var pending = _held + text;
        _held = string.Empty;
        var pieces = new List<(string, bool)>();
        while (pending.Length > 0)
        {
            switch (_state)
            {
                case State.Before:
                    var start = pending.TrimStart();
                    if (MayGrowInto(start))
                    {
                        _held = pending;
                        return pieces;
                    }
                    else if (FirstMarkup(start) is (0, { } markup))
                    {
                        _state = markup == format.Open ? State.Thinking : format.CallMarkup.ContainsKey(markup) ? State.Calling : State.Before;
                        pending = start[markup.Length..];
                        Add(pieces, format.CallMarkup.GetValueOrDefault(markup, ""), thinking: false);
                    }
                    else
                    {
                        _state = State.Answering;
                        pending = start;
                    }

                    break;
                case State.Calling:
                    Add(pieces, pending, thinking: false);
                    return pieces;
                case State.Thinking:
                    if (_thinkingStarts)
                    {
                        pending = pending.TrimStart();
                        _thinkingStarts = pending.Length == 0;
                        break;
                    }

                    int close = pending.IndexOf(format.Close, StringComparison.Ordinal);
                    if (close >= 0)
                    {
                        Add(pieces, pending[..close].TrimEnd(), thinking: true);
                        _state = State.Before;
                        _thinkingStarts = true;
                        pending = pending[(close + format.Close.Length)..];
                        break;
                    }

                    // White space at the end is held too: before the close it is the markup's, not the thinking's.
                    int partial = PartialAtEnd(pending, format.Close);
                    var thought = pending[..^partial];
                    int keep = partial + thought.Length - thought.TrimEnd().Length;
                    Add(pieces, pending[..^keep], thinking: true);
                    _held = pending[^keep..];
                    return pieces;
                default:
                    var (at, found) = FirstMarkup(pending);
                    if (found is not null && MayGrowInto(pending[at..]))
                    {
                        Add(pieces, pending[..at], thinking: false);
                        _held = pending[at..];
                        return pieces;
                    }

                    if (found is not null)
                    {
                        Add(pieces, pending[..at], thinking: false);
                        _state = found == format.Open ? State.Thinking : format.CallMarkup.ContainsKey(found) ? State.Calling : State.Answering;
                        pending = pending[(at + found.Length)..];
                        Add(pieces, format.CallMarkup.GetValueOrDefault(found, ""), thinking: false);
                        break;
                    }

                    int held = 0;
                    foreach (var watched in _watched)
                    {
                        held = Math.Max(held, PartialAtEnd(pending, watched));
                    }

                    Add(pieces, pending[..^held], thinking: false);
                    _held = pending[^held..];
                    return pieces;
            }
        }

        return pieces;
    }

    /// <summary>
    /// Releases what is still held when the text ends: thinking that never closed stays thinking; before the answer
    /// only white space and the start of markup are held, which are no answer, and markup held in the answer (waiting
    /// to see whether it grew) is dropped.
    /// </summary>
    public IReadOnlyList<(string Text, bool IsThinking)> Flush()
    {
        var rest = _state switch
        {
            State.Before => string.Empty,
            State.Answering => _watched.Aggregate(_held, (text, markup) => text.Replace(markup, string.Empty, StringComparison.Ordinal)),
            _ => _held.TrimEnd(),
        };
        _held = string.Empty;
        return rest.Length == 0 ? [] : [(rest, _state == State.Thinking)];
    }

    private static void Add(List<(string, bool)> pieces, string text, bool thinking)
    {
        if (text.Length > 0)
        {
            pieces.Add((text, thinking));
        }
    }

    /// <summary>
    /// Whether more text could still make <paramref name="text"/> (white space, or markup found there) the start of longer
    /// markup: harmony's <c>&lt;|channel|&gt;</c> may go on to open the thinking or the answer.
    /// </summary>
    private bool MayGrowInto(string text)
    {
        foreach (var watched in _watched)
        {
            if (watched.Length > text.Length && watched.StartsWith(text, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The markup that starts first in the text, and where; the longer where two start at one place (the watched
    /// markup is in order of length). Asked for every piece of an answer, so it allocates nothing.
    /// </summary>
    private (int At, string? Found) FirstMarkup(string text)
    {
        (int At, string? Found) first = (-1, null);
        foreach (var watched in _watched)
        {
            int at = text.IndexOf(watched, StringComparison.Ordinal);
            if (at >= 0 && (first.Found is null || at < first.At))
            {
                first = (at, watched);
            }
        }

        return first;
    }

    /// <summary>How much of the text's end could be the start of <paramref name="markup"/>.</summary>
    private static int PartialAtEnd(string text, string markup)
    {
        for (int length = Math.Min(markup.Length - 1, text.Length); length > 0; length--)
        {
            if (markup.StartsWith(text[^length..], StringComparison.Ordinal))
            {
                return length;
            }
        }

        return 0;
    }
}
