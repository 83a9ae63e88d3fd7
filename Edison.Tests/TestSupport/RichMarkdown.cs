using Edison.Core.Conversations;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.TestSupport;

/// <summary>An answer with the Markdown people expect a chat page to render: a heading, a link, a quote, task and nested lists, wide code, maths and a wide table.</summary>
public static class RichMarkdown
{
    public const string Answer = """
        # An overview

        A [link](https://example.org) and `inline code`.

        > A quote.

        - [x] Done
        - [ ] To do
          - nested

        ```python
        def area(r):
            # A line longer than any screen is wide: the block scrolls sideways, by keyboard too, rather than wrap it or cut it off at the edge of the bubble.
            return 3.14 * r ** 2
        ```

        Inline $x^2$, \(a^2+b^2=c^2\), and displayed:

        $$
        \int_0^1 x\,dx = \frac{1}{2}
        $$

        \[E = mc^2\]

        | Language | Paradigm | Typing | Appeared | Designer | Licence |
        |---|---|---|---|---|---|
        | Internationalization | Multiparadigmatic | Incomprehensibilities | Counterrevolutionaries | Uncharacteristically | Electroencephalographic |
        """;

    /// <summary>A conversation of one question answered with <see cref="Answer"/>, stored in the Edison given.</summary>
    public static async Task<Guid> StoreAsync(IServiceProvider edison)
    {
        var id = Guid.NewGuid();
        await edison.GetRequiredService<IConversationStore>()
            .AppendExchangeAsync(id, "show me everything", Answer, context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        return id;
    }
}
