using LLama.Native;

namespace Edison.Core.Inference.Prompts;

/// <summary>
/// The tokens the model wrote its recent answers in, by the answer's text. When an answer comes back as history (the
/// next turn of a conversation, or a client's own copy of it), it is read as those tokens rather than tokenised
/// again: that is what the model wrote, re-tokenising would often cut it differently (a leading space trimmed, a word
/// split otherwise), and the prompt then starts with exactly the tokens the prompt cache holds.
/// </summary>
public sealed class AnswerTokens(int capacity = 1024)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<(string Text, LLamaToken[] Tokens)>> _byText = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Text, LLamaToken[] Tokens)> _recent = new();

    public void Remember(string text, LLamaToken[] tokens)
    {
        if (text.Length == 0 || tokens.Length == 0)
        {
            return;
        }

        lock (_gate)
        {
            if (_byText.Remove(text, out var old))
            {
                _recent.Remove(old);
            }

            _byText[text] = _recent.AddFirst((text, tokens));
            if (_byText.Count > capacity && _recent.Last is { } oldest)
            {
                _recent.RemoveLast();
                _byText.Remove(oldest.Value.Text);
            }
        }
    }

    public bool TryGet(string text, out LLamaToken[] tokens)
    {
        lock (_gate)
        {
            if (_byText.TryGetValue(text, out var node))
            {
                _recent.Remove(node);
                _recent.AddFirst(node);
                tokens = node.Value.Tokens;
                return true;
            }
        }

        tokens = [];
        return false;
    }
}
