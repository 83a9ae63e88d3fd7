using Edison.Core.Modes;

namespace Edison.Core.Chat;

/// <summary>The mode a turn is answered in (the third step of preparing it).</summary>
public sealed class ModeChoice(ModeDetector detector)
{
    /// <summary>The mode a continued answer was written in, else the one asked for, else the one the message calls for.</summary>
    public ChatMode For(ChatRequest request, StartingPoint start)
    {
        if (start.Continued?.Details?.Mode is { } written && ChatMode.Find(written) is { } same)
        {
            return same;
        }

        if (ChatMode.IsAuto(request.Mode))
        {
            return detector.Detect(start.Text).Mode;
        }

        return ChatMode.Find(request.Mode)!;
    }
}
