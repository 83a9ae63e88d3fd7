using System.Data.Common;

namespace Edison.Core.Conversations;

/// <summary>
/// A message as both stores select it, from column 3 on: id, parent_id, role, content, created, state, error,
/// context, details, images. Only the time is read the store's own way (Unix milliseconds, or timestamptz).
/// </summary>
internal static class StoredMessageRow
{
    public static StoredMessage Read(DbDataReader reader, DateTimeOffset created) =>
        new(
            reader.GetInt64(3),
            reader.IsDBNull(4) ? null : reader.GetInt64(4),
            reader.GetString(5),
            reader.GetString(6),
            created,
            reader.GetString(8),
            reader.IsDBNull(9) ? null : reader.GetString(9),
            reader.IsDBNull(10) ? null : reader.GetString(10))
        {
            Details = AnswerDetails.Parse(reader.IsDBNull(11) ? null : reader.GetString(11)),
            Images = StoredImages.Parse(reader.IsDBNull(12) ? null : reader.GetString(12)),
        };
}
