using Edison.Core.Modes;
using Xunit.Abstractions;

namespace Edison.Tests.Core.Modes;

/// <summary>
/// The "auto" classifier over a table of messages a person might send. The messages it gets wrong are listed in
/// <see cref="KnownMisses"/>, not hidden: the test fails when one more is wrong, and when one of them is fixed.
/// </summary>
public sealed class ModeDetectorTests(ITestOutputHelper output)
{
    private static readonly (string Message, string Expected)[] Table =
    [
        ("```csharp\nvar x = 1;\n```\nwhy does this not compile?", "code"),
        ("Traceback (most recent call last):\n  File \"app.py\", line 3\nKeyError: 'name'", "code"),
        ("System.NullReferenceException: Object reference not set\n   at Program.Main(String[] args)", "code"),
        ("error CS0246: The type or namespace name 'Foo' could not be found", "code"),
        ("How do I reverse a string in Python?", "code"),
        ("Write a regex that matches email addresses", "code"),
        ("What's the difference between an interface and an abstract class in C#?", "code"),
        ("My SQL query is slow, how can I add an index?", "code"),
        ("Refactor this function: def add(a, b): return a+b", "code"),
        ("How do I write unit tests for an async method?", "code"),
        ("Explain recursion with an example in JavaScript", "code"),
        ("git rebase or merge, which one should I use?", "code"),
        ("Solve step by step: a train leaves at 3pm at 60 km/h...", "reasoning"),
        ("Prove that the square root of 2 is irrational", "reasoning"),
        ("What is 17 * 23?", "reasoning"),
        ("Here is a riddle: what has keys but can't open locks?", "reasoning"),
        ("If I flip three coins, what is the probability of two heads?", "reasoning"),
        ("How many prime numbers are there below 100?", "reasoning"),
        ("Think it through: which weighs more, a kilo of feathers or a kilo of steel?", "reasoning"),
        ("Solve the equation 2x + 3 = 11", "reasoning"),
        ("What is 15% of 240?", "reasoning"),
        ("Draft an email to my landlord about the broken heating", "work"),
        ("Write a cover letter for a junior designer role", "work"),
        ("Make a project plan for launching our newsletter in Q3", "work"),
        ("Can you write the agenda for Monday's team meeting?", "work"),
        ("Turn these notes into a short report for my manager", "work"),
        ("Help me write a proposal for a new bike lane", "work"),
        ("Summarize this document in five bullet points: ...", "work"),
        ("Create a roadmap with milestones for the next quarter", "work"),
        ("Look up the opening hours of the city library", "agent"),
        ("What's the latest news about the Mars mission?", "agent"),
        ("Search the web for reviews of the Framework laptop", "agent"),
        ("What is the weather in Lisbon today?", "agent"),
        ("Remind me to call mum at 6", "agent"),
        ("Who won the match last night?", "agent"),
        ("Find out the current price of bitcoin", "agent"),
        ("Book a table for two at an Italian place", "agent"),
        ("Hi! How are you today?", "chat"),
        ("Tell me a joke about penguins", "chat"),
        ("What should I cook tonight with eggs and spinach?", "chat"),
        ("I'm feeling a bit down, can we talk?", "chat"),
        ("What's your favourite book?", "chat"),
        ("Write a short poem about autumn", "chat"),
        ("Why is the sky blue?", "chat"),
        ("Tell me a story about a brave little llama", "chat"),
        ("Thanks, that was helpful!", "chat"),
    ];

    /// <summary>Messages the classifier is known to get wrong, with what it says instead.</summary>
    private static readonly Dictionary<string, string> KnownMisses = new()
    {
        // "email" is a work document cue and outweighs "regex"; the cues do not know what the email is for.
        ["Write a regex that matches email addresses"] = "work",
    };

    [Fact]
    public void The_table_is_classified_as_expected_except_for_the_listed_misses()
    {
        var detector = new ModeDetector();
        var misses = new Dictionary<string, string>();
        foreach (var (message, expected) in Table)
        {
            var detection = detector.Detect(message);
            if (detection.Mode.Name != expected)
            {
                misses[message] = detection.Mode.Name;
                output.WriteLine($"expected {expected,-9} got {detection.Mode.Name,-9} ({detection.Reason}): {message}");
            }
        }

        output.WriteLine($"{Table.Length - misses.Count} of {Table.Length} classified as expected");
        Assert.True(Table.Length >= 40);
        Assert.Equal(KnownMisses.OrderBy(m => m.Key), misses.OrderBy(m => m.Key));
    }

    [Fact]
    public void Every_detection_says_why()
    {
        var detection = new ModeDetector().Detect("```js\nconsole.log(1)\n```");

        Assert.Equal("code", detection.Mode.Name);
        Assert.Equal("a code block", detection.Reason);
    }

    [Theory]
    [InlineData('a')]
    [InlineData('7')]
    [InlineData(' ')]
    public void A_long_unbroken_run_is_classified_in_linear_time(char filler)
    {
        // Every cue is tried at every position of the message: a pattern that backtracks over the run from each of
        // them takes minutes for a message this long.
        var message = new string(filler, 100_000);
        var detector = new ModeDetector();
        detector.Detect("warm up");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var detection = detector.Detect(message);
        bool search = detector.WantsWebSearch(message);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal("chat", detection.Mode.Name);
        Assert.False(search);
    }
}
