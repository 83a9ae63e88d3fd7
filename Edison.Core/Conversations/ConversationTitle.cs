namespace Edison.Core.Conversations;

/// <summary>A conversation's title: the first words of its first message at first, then a name Edison or a person gives it.</summary>
public static class ConversationTitle
{
    private const int MaxLength = 60;

    /// <summary>The longest name a person may give a conversation: a title, not a note.</summary>
    public const int MaxChosenLength = 200;

    public static string FromMessage(string message)
    {
        var title = OneLine(message);
        if (title.Length <= MaxLength)
        {
            return title;
        }

        int cut = title.LastIndexOf(' ', MaxLength);
        return title[..(cut > MaxLength / 2 ? cut : MaxLength)] + "…";
    }

    /// <summary>
    /// The name a person typed as a title shows it: on one line, without control characters (a pasted newline or tab
    /// is a space). Empty when nothing is left.
    /// </summary>
    public static string Chosen(string name) => OneLine(new string([.. name.Select(c => char.IsControl(c) ? ' ' : c)]));

    private static string OneLine(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
