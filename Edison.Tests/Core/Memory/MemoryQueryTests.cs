using Edison.Core.Conversations;
using Edison.Core.Memory;

namespace Edison.Tests.Core.Memory;

public sealed class MemoryQueryTests
{
    [Theory]
    [InlineData("What did I tell you about my dog last week?", "dog")]
    [InlineData("Where does my cat Miso sleep?", "cat miso sleep")]
    [InlineData("\" OR * NEAR( dog", "near dog")]
    [InlineData("Grüße aus München", "grüße aus münchen")]
    [InlineData("dog DOG dog's", "dog")]
    public void A_message_becomes_its_content_words_and_nothing_a_query_could_read_as_syntax(string message, string expected) =>
        Assert.Equal(expected.Split(' '), MemoryQuery.Terms(message));

    [Theory]
    [InlineData("What did you say?")]
    [InlineData("?!")]
    [InlineData("🐕")]
    public void A_message_of_only_everyday_words_searches_nothing(string message) =>
        Assert.Empty(MemoryQuery.Terms(message));
}
