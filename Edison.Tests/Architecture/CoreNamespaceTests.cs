using System.Reflection;
using Edison.Core.Inference.Models;
using NetArchTest.Rules;

namespace Edison.Tests.Architecture;

/// <summary>
/// Core's parts (Chat, Conversations, Inference, Memory, Search, ...) depend on each other one way: no loop, so each
/// can be read, changed and tested from the parts below it. The root namespace is the composition root and is left out.
/// </summary>
public sealed class CoreNamespaceTests
{
    private static readonly Assembly Core = typeof(LoadedModel).Assembly;

    [Fact]
    public void Cores_parts_depend_on_each_other_without_a_loop()
    {
        var parts = Core.GetTypes()
            .Select(t => t.Namespace)
            .OfType<string>()
            .Where(ns => ns.StartsWith("Edison.Core.", StringComparison.Ordinal))
            .Select(ns => ns.Split('.')[2])
            .Distinct()
            .Order()
            .ToList();
        var uses = parts.ToDictionary(part => part, part => parts.Where(other => other != part && DependsOn(part, other)).ToList());

        var loop = FindLoop(uses);

        Assert.True(loop is null, $"a loop: {string.Join(" → ", loop ?? [])}\nall: {string.Join("; ", uses.Select(u => $"{u.Key} → {string.Join(", ", u.Value)}"))}");
    }

    private static bool DependsOn(string part, string other) =>
        !Types.InAssembly(Core).That().ResideInNamespace($"Edison.Core.{part}")
            .ShouldNot().HaveDependencyOnAny($"Edison.Core.{other}")
            .GetResult().IsSuccessful;

    /// <summary>A path that comes back to where it started, or null when the graph has none.</summary>
    private static List<string>? FindLoop(Dictionary<string, List<string>> uses)
    {
        var done = new HashSet<string>();
        var path = new List<string>();

        List<string>? Visit(string part)
        {
            if (path.IndexOf(part) is var at and >= 0)
            {
                return [.. path[at..], part];
            }

            if (!done.Add(part))
            {
                return null;
            }

            path.Add(part);
            foreach (var next in uses[part])
            {
                if (Visit(next) is { } found)
                {
                    return found;
                }
            }

            path.RemoveAt(path.Count - 1);
            return null;
        }

        return uses.Keys.Select(Visit).FirstOrDefault(found => found is not null);
    }
}
