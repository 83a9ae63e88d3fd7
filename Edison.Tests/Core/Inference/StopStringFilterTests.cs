using Edison.Core.Inference.Engine;

namespace Edison.Tests.Core.Inference;

public sealed class StopStringFilterTests
{
    [Fact]
    public void A_stop_string_split_over_pieces_never_reaches_the_client()
    {
        var filter = new StopStringFilter(["\nUser:"]);

        var released = filter.Push("Sure") + filter.Push(".\nUs") + filter.Push("er: more");

        Assert.Equal("Sure.", released);
        Assert.True(filter.Stopped);
        Assert.Equal(string.Empty, filter.Flush());
    }

    [Fact]
    public void Text_that_only_looked_like_a_stop_string_is_released()
    {
        var filter = new StopStringFilter(["\nUser:"]);

        var released = filter.Push("a\nUs") + filter.Push("eful tip") + filter.Flush();

        Assert.Equal("a\nUseful tip", released);
        Assert.False(filter.Stopped);
    }

    [Fact]
    public void A_held_prefix_is_released_when_generation_ends()
    {
        var filter = new StopStringFilter(["\nUser:"]);

        Assert.Equal("end", filter.Push("end\n"));
        Assert.Equal("\n", filter.Flush());
    }

    [Fact]
    public void Without_stop_strings_everything_passes_at_once()
    {
        var filter = new StopStringFilter([]);

        Assert.Equal("abc", filter.Push("abc"));
        Assert.Equal(string.Empty, filter.Flush());
    }
}
