using Edison.Core.Memory;

namespace Edison.Tests.Core.Memory;

public sealed class MemoryQueryTests
{
    [Theory]
    [InlineData("What did I tell you about my dog last week?", "\"dog\"")]
    [InlineData("Where does my cat Miso sleep?", "\"cat\" OR \"miso\" OR \"sleep\"")]
    [InlineData("\" OR * NEAR( dog", "\"near\" OR \"dog\"")]
    [InlineData("Grüße aus München", "\"grüße\" OR \"aus\" OR \"münchen\"")]
    public void A_message_becomes_its_quoted_content_words(string message, string expected) =>
        Assert.Equal(expected, MemoryQuery.From(message));

    [Theory]
    [InlineData("What did you say?")]
    [InlineData("?!")]
    [InlineData("🐕")]
    public void A_message_of_only_everyday_words_searches_nothing(string message) =>
        Assert.Null(MemoryQuery.From(message));
}
