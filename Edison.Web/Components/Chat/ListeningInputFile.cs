using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;

namespace Edison.Web.Components.Chat;

/// <summary>
/// A file input that says when the browser listens to it. InputFile attaches its change listener with a script call
/// after its first interactive render; a file chosen before that call is done is dropped without a word, so whatever
/// lets a person choose a file waits for <see cref="OnListening"/>.
/// </summary>
public sealed class ListeningInputFile : InputFile
{
    [Parameter]
    public EventCallback OnListening { get; set; }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        await base.OnAfterRenderAsync(firstRender);
        if (firstRender)
        {
            await OnListening.InvokeAsync();
        }
    }
}
