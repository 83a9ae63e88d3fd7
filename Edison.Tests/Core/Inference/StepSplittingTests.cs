using Edison.Core.Inference.Engine;

namespace Edison.Tests.Core.Inference;

/// <summary>Deciding from measured step times whether a few streaming answers decode apart or in one batch.</summary>
public sealed class StepSplittingTests
{
    private static TimeSpan Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    [Fact]
    public void Where_two_single_steps_cost_less_than_one_step_of_two_two_answers_decode_apart_and_three_do_not()
    {
        // The AMD EPYC figures on the 300M-parameter benchmark model.
        var splitting = StepSplitting.From(Ms(12.9), [Ms(33.6), Ms(39.1)]);

        Assert.False(splitting.DecodesApart(1));
        Assert.True(splitting.DecodesApart(2));
        Assert.False(splitting.DecodesApart(3));
        Assert.False(splitting.DecodesApart(4));
        Assert.Contains("separate steps for up to 2 answers", splitting.Reason);
        Assert.Contains("2 together 33.6 ms", splitting.Reason);
    }

    [Fact]
    public void Where_batching_pays_every_count_decodes_in_one_batch()
    {
        var splitting = StepSplitting.From(Ms(14), [Ms(16), Ms(19)]);

        Assert.False(splitting.DecodesApart(2));
        Assert.False(splitting.DecodesApart(3));
        Assert.StartsWith("one batch", splitting.Reason);
    }

    [Fact]
    public void A_near_tie_stays_one_batch()
    {
        var splitting = StepSplitting.From(Ms(15), [Ms(31)]);

        Assert.False(splitting.DecodesApart(2));
    }

    [Fact]
    public void Three_apart_is_chosen_only_when_two_apart_pays_too()
    {
        Assert.True(StepSplitting.From(Ms(10), [Ms(30), Ms(40)]).DecodesApart(3));
        Assert.False(StepSplitting.From(Ms(10), [Ms(21), Ms(40)]).DecodesApart(3));
    }

    [Fact]
    public void The_settings_on_and_off_decide_without_measuring()
    {
        Assert.True(StepSplitting.Always.DecodesApart(2));
        Assert.True(StepSplitting.Always.DecodesApart(8));
        Assert.False(StepSplitting.Always.DecodesApart(1));
        Assert.False(StepSplitting.Never.DecodesApart(2));
    }
}
