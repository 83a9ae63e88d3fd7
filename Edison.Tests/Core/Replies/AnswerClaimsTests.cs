using Edison.Core.Replies;

namespace Edison.Tests.Core.Replies;

/// <summary>Two questions in one conversation: one is answered, the other is told to wait, however their starts interleave.</summary>
public sealed class AnswerClaimsTests
{
    [Fact]
    public void A_start_that_ends_while_another_looks_for_a_running_answer_leaves_no_room_for_a_second()
    {
        var claims = new AnswerClaims();
        var conversation = Guid.NewGuid();
        bool firstRunning = false;
        Assert.True(claims.TryClaim(conversation, isAnswering: () => firstRunning));

        // The second start looks while the first is still preparing; the first then puts its answer in place and lets
        // go of its claim before the second goes on.
        bool second = claims.TryClaim(conversation, isAnswering: () =>
        {
            bool seen = firstRunning;
            firstRunning = true;
            claims.Release(conversation);
            return seen;
        });

        Assert.False(second);
    }

    [Fact]
    public void While_an_answer_runs_no_start_is_claimed_and_after_it_one_is()
    {
        var claims = new AnswerClaims();
        var conversation = Guid.NewGuid();
        bool running = true;

        Assert.False(claims.TryClaim(conversation, isAnswering: () => running));
        running = false;
        Assert.True(claims.TryClaim(conversation, isAnswering: () => running));
        Assert.False(claims.TryClaim(conversation, isAnswering: () => running));
        claims.Release(conversation);
        Assert.True(claims.TryClaim(conversation, isAnswering: () => running));
    }
}
