namespace Edison.Core.Chat;

/// <summary>How long a model thought, as a person reads it: whole seconds, at least one.</summary>
public static class ThoughtSeconds
{
    public static int? Of(TimeSpan? thinking) => thinking is { } time ? Math.Max(1, (int)Math.Round(time.TotalSeconds)) : null;
}
