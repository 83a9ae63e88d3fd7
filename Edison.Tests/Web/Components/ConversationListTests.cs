using System.Reflection;
using Bunit;
using Edison.Core.Conversations;
using Edison.Web.Components.Chat;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Edison.Tests.Web.Components;

/// <summary>The conversation list shows the newest list the store gave, whatever order its reads end in.</summary>
public sealed class ConversationListTests : BunitContext
{
    [Fact]
    public async Task A_list_read_before_a_delete_that_ends_after_the_list_read_since_does_not_bring_the_deleted_conversation_back()
    {
        var store = DispatchProxy.Create<IConversationStore, HeldListStore>();
        var reads = ((HeldListStore)(object)store).Reads;
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(store);
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        var deleted = new ConversationSummary(Guid.NewGuid(), "Deleted in another tab", DateTimeOffset.UtcNow);

        var list = Render<ConversationList>(p => p.Add(c => c.Version, 1));
        list.Render(p => p.Add(c => c.Version, 2));

        // The read the delete started ends first; the one from before the delete ends last, on a busy machine.
        Assert.Equal(2, reads.Count);
        reads[1].SetResult([]);
        reads[0].SetResult([deleted]);

        // Queued behind what the reads' ends set going on the page's dispatcher: once it runs, they have.
        await list.InvokeAsync(() => { });
        await list.InvokeAsync(() => { });
        Assert.DoesNotContain("Deleted in another tab", list.Markup);
    }

    /// <summary>A store whose lists are read only when the test says what they hold.</summary>
    public class HeldListStore : DispatchProxy
    {
        public List<TaskCompletionSource<IReadOnlyList<ConversationSummary>>> Reads { get; } = [];

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod?.Name != nameof(IConversationStore.ListAsync))
            {
                throw new NotSupportedException(targetMethod?.Name);
            }

            var read = new TaskCompletionSource<IReadOnlyList<ConversationSummary>>(TaskCreationOptions.RunContinuationsAsynchronously);
            Reads.Add(read);
            return read.Task;
        }
    }
}
