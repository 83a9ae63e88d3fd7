namespace Edison.Tests.TestSupport;

public static class Eventually
{
    /// <summary>Waits for something another thread makes true; fails the test if it never happens.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting");
            await Task.Delay(2);
        }
    }

    /// <summary>Asks again until the answer is yes, such as a request that succeeds once something has ended.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting");
            await Task.Delay(20);
        }
    }
}
