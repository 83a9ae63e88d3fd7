using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Edison.Core.Conversations;

internal static class ConversationsRegistration
{
    /// <summary>The conversation store (SQLite, or PostgreSQL when configured), made ready at start-up.</summary>
    public static IServiceCollection AddEdisonConversations(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();
        services.AddSingleton<IConversationStore>(sp =>
            sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.IsPostgres
                ? ActivatorUtilities.CreateInstance<PostgresConversationStore>(sp)
                : ActivatorUtilities.CreateInstance<SqliteConversationStore>(sp));
        services.AddSingleton<AnswersInProgress>();
        services.AddSingleton<ConversationEvents>();
        services.AddSingleton<DatabaseInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<DatabaseInitializer>());
        return services;
    }
}
