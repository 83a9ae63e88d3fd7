using System.Text.RegularExpressions;

namespace Edison.Core.Modes;

/// <summary>What <see cref="ModeDetector"/> chose and the cue that decided it, so the choice can be explained.</summary>
public sealed record ModeDetection(ChatMode Mode, string Reason);

/// <summary>
/// Picks a mode for "auto" from the message itself, with cues a person can read: code fences, stack traces and
/// programming terms → code; "step by step", proofs, puzzles and arithmetic → reasoning; plans, drafts and
/// documents → work; looking things up or acting → agent; anything else → chat. Each cue adds its weight to its
/// mode; the highest total wins, and a message with no cue is chat. The cues run without backtracking, in time linear
/// in the message: a backtracking pattern such as <c>\w+\(</c> rescans a long unbroken run from each of its positions.
/// </summary>
public sealed partial class ModeDetector
{
    private static readonly Cue[] Cues =
    [
        new(ChatMode.Code, 5, "a code block", CodeFence()),
        new(ChatMode.Code, 5, "a stack trace or compiler error", StackTrace()),
        new(ChatMode.Code, 3, "code syntax", CodeSyntax()),
        new(ChatMode.Code, 2, "programming terms", ProgrammingTerms()),
        new(ChatMode.Reasoning, 4, "a request to reason step by step", StepByStep()),
        new(ChatMode.Reasoning, 3, "a proof, puzzle or maths problem", ReasoningTerms()),
        new(ChatMode.Reasoning, 3, "arithmetic", Arithmetic()),
        new(ChatMode.Work, 3, "a document to draft", WorkDocuments()),
        new(ChatMode.Work, 2, "planning", Planning()),
        new(ChatMode.Agent, 3, "something to look up", LookUp()),
        new(ChatMode.Agent, 2, "fresh facts", FreshFacts()),
        new(ChatMode.Agent, 3, "an action to carry out", Actions()),
    ];

    public ModeDetection Detect(string message)
    {
        var scores = new Dictionary<ChatMode, (int Score, string Reason)>();
        foreach (var cue in Cues)
        {
            if (!cue.Pattern.IsMatch(message))
            {
                continue;
            }

            var (score, reason) = scores.GetValueOrDefault(cue.Mode, (0, cue.Reason));
            scores[cue.Mode] = (score + cue.Weight, reason);
        }

        if (scores.Count == 0)
        {
            return new ModeDetection(ChatMode.Chat, "no cue for another mode");
        }

        // Ties go to the mode listed first in ChatMode.All after chat: code, agent, work, reasoning.
        var best = ChatMode.All.Where(scores.ContainsKey).MaxBy(m => scores[m].Score)!;
        return new ModeDetection(best, scores[best].Reason);
    }

    /// <summary>True when the message asks to look something up or for facts newer than any model's training.</summary>
    public bool WantsWebSearch(string message) => LookUp().IsMatch(message) || FreshFacts().IsMatch(message);

    // Without backtracking, a cue runs in time linear in the message (see the summary).
    private const RegexOptions Linear = RegexOptions.IgnoreCase | RegexOptions.NonBacktracking;

    private sealed record Cue(ChatMode Mode, int Weight, string Reason, Regex Pattern);

    [GeneratedRegex(@"```|^( {4}|\t)\S.*[;{}]\s*$", RegexOptions.Multiline | Linear)]
    private static partial Regex CodeFence();

    [GeneratedRegex(@"Traceback \(most recent call last\)|^\s+at [\w.<>$`]+\(.*\)|\b\w+(Exception|Error):|\berror (CS|TS|C)\d{3,5}\b|segmentation fault|panicked at|undefined reference to", RegexOptions.Multiline | Linear)]
    private static partial Regex StackTrace();

    [GeneratedRegex(@"=>|\w+\([^)]*\)\s*[{;]|\b(def|fn|func|public|private|static|const|let|var|import|#include|SELECT\s.+\sFROM)\b", Linear)]
    private static partial Regex CodeSyntax();

    [GeneratedRegex(@"\b(code|function|method|class|compile[rsd]?|bug|debug|refactor|regex|regular expression|sql|query|python|javascript|typescript|c#|c\+\+|java|rust|golang|api|endpoint|unit tests?|variable|null pointer|stack overflow|git|docker|kubernetes|json|html|css|algorithm|runtime|array|string|loop|recursion|library|framework|linq|async|dotnet|\.net)\b", Linear)]
    private static partial Regex ProgrammingTerms();

    [GeneratedRegex(@"\bstep[- ]by[- ]step\b|\bshow (your|the) (work|reasoning)\b|\bthink (it )?through\b|\bexplain your reasoning\b", Linear)]
    private static partial Regex StepByStep();

    [GeneratedRegex(@"\b(prove|proof|theorem|lemma|puzzle|riddle|logic(al)?|deduce|probability|equation|solve|integral|derivative|how many|calculate|compute|prime|factorial|paradox)\b", Linear)]
    private static partial Regex ReasoningTerms();

    [GeneratedRegex(@"\d+\s*[-+*/^×÷]\s*\d+|\d+\s*%\s*of\s*\d+|\bx\s*=|\bsquare root\b", Linear)]
    private static partial Regex Arithmetic();

    [GeneratedRegex(@"\b(draft|e-?mail|memo|report|proposal|agenda|minutes|cover letter|resume|cv|press release|presentation|slides|document|spec(ification)?|contract|invoice|newsletter|job description|announcement|summar(y|ise|ize) (this|the|my))\b", Linear)]
    private static partial Regex WorkDocuments();

    [GeneratedRegex(@"\b(plan|planning|roadmap|schedule|timeline|milestones?|okrs?|strategy|project|deadline|stakeholders?|meeting|quarter(ly)?|budget)\b", Linear)]
    private static partial Regex Planning();

    [GeneratedRegex(@"\b(look (it |this |that )?up|search (for|the web|online)|google|find (out|me|information)|browse|what does the web say)\b", Linear)]
    private static partial Regex LookUp();

    [GeneratedRegex(@"\b(latest|news|today'?s|current(ly)?|right now|this week|recent(ly)?|price of|stock price|weather|score of|who won)\b", Linear)]
    private static partial Regex FreshFacts();

    [GeneratedRegex(@"\b(book (a|me)|order (a|me)|remind me|send (a|an|the) (message|text)|set (a|an) (alarm|reminder|timer)|download|open the|go to|fill (in|out) the form|sign me up|buy)\b", Linear)]
    private static partial Regex Actions();
}
