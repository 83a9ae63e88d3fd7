namespace Edison.Core.Conversations;

/// <summary>The title a new conversation gets: the first words of its first message.</summary>
public static class ConversationTitle
{
    private const int MaxLength = 60;

    public static string FromMessage(string message)
    {
        var words = message.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var title = string.Join(' ', words);
        if (title.Length <= MaxLength)
        {
            return title;
        }

        int cut = title.LastIndexOf(' ', MaxLength);
        return title[..(cut > MaxLength / 2 ? cut : MaxLength)] + "…";
    }
}
