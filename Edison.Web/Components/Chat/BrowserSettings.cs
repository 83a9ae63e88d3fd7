using System.Text.Json;
using Edison.Core.Inference.Engine;
using Edison.Core.Modes;
using Microsoft.JSInterop;

namespace Edison.Web.Components.Chat;

/// <summary>The chat settings in the browser's localStorage, under "edison_settings", as camelCase JSON.</summary>
public sealed class BrowserSettings(IJSRuntime js, ILogger<BrowserSettings> logger)
{
    public const string StorageKey = "edison_settings";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<ChatSettings> LoadAsync()
    {
        try
        {
            var stored = await js.InvokeAsync<string?>("localStorage.getItem", StorageKey);
            var settings = stored is null ? null : JsonSerializer.Deserialize<ChatSettings>(stored, Json);
            return settings is null ? new ChatSettings() : Sanitize(settings);
        }
        catch (JsonException e)
        {
            logger.LogInformation(e, "Ignoring unreadable {Key} in the browser", StorageKey);
            return new ChatSettings();
        }
    }

    public async Task SaveAsync(ChatSettings settings) =>
        await js.InvokeVoidAsync("localStorage.setItem", StorageKey, JsonSerializer.Serialize(settings, Json));

    /// <summary>Whatever a browser holds (an older version, a hand edit) becomes settings Edison accepts.</summary>
    private static ChatSettings Sanitize(ChatSettings settings)
    {
        var defaults = new ChatSettings();
        return settings with
        {
            Mode = ChatMode.IsAuto(settings.Mode) || ChatMode.Find(settings.Mode) is null ? defaults.Mode : settings.Mode,
            Temperature = settings.Temperature is { } temperature && float.IsFinite(temperature)
                ? Math.Clamp(temperature, SamplingLimits.MinTemperature, SamplingLimits.MaxTemperature)
                : null,
            MaxTokens = settings.MaxTokens is >= 1 and <= 1 << 20 ? settings.MaxTokens : defaults.MaxTokens,
            Theme = Components.Layout.PageTheme.Known(settings.Theme),
        };
    }
}
