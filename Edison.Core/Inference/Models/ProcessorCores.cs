namespace Edison.Core.Inference.Models;

/// <summary>
/// How many threads generation uses when <c>Edison:Model:Threads</c> is 0: one per physical core, as llama.cpp's own
/// tools choose. LLamaSharp's default, half the logical processors, assumes two hardware threads per core and halves
/// the speed on machines without them, such as most virtual machines.
/// </summary>
public static class ProcessorCores
{
    private const string LinuxCpuFolder = "/sys/devices/system/cpu";

    public static int Physical() => Physical(LinuxCpuFolder, Environment.ProcessorCount);

    /// <param name="cpuFolder">Linux's <c>/sys/devices/system/cpu</c>; where it is missing, two threads per core are assumed.</param>
    /// <param name="processorCount">The processors this process may use (affinity and container limits included).</param>
    internal static int Physical(string cpuFolder, int processorCount)
    {
        // Logical processors of one core list the same siblings; an offline processor has no topology to read.
        int cores = Directory.Exists(cpuFolder)
            ? Directory.EnumerateDirectories(cpuFolder, "cpu*")
                .Where(folder => Path.GetFileName(folder) is { Length: > 3 } name && name[3..].All(char.IsAsciiDigit))
                .Select(folder => Path.Combine(folder, "topology", "thread_siblings_list"))
                .Where(File.Exists)
                .Select(siblings => File.ReadAllText(siblings).Trim())
                .Distinct()
                .Count()
            : 0;
        int physical = cores > 0 ? cores : processorCount / 2;
        return Math.Clamp(physical, 1, Math.Max(1, processorCount));
    }
}
