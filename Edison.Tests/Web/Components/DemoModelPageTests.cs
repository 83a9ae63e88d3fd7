using Bunit;
using Edison.Tests.TestSupport;
using Edison.Web.Components.Chat;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Web.Components;

public sealed class DemoModelPageTests() : ChatPageContext(modelPath: string.Empty)
{
    [Fact]
    public void On_the_demo_model_a_banner_says_how_to_load_a_real_one()
    {
        var page = Render<Chat>();

        var banner = page.Find("[data-testid=model-banner]").TextContent;
        Assert.Contains("built-in demo model", banner);
        Assert.Contains("Edison__Model__Path", banner);
    }
}
