using Edison.Core.Inference.Models;

namespace Edison.Tests.Core.Inference;

/// <summary>Generation threads default to one per physical core, read from Linux's processor topology.</summary>
public sealed class ProcessorCoresTests : IDisposable
{
    private readonly DirectoryInfo _cpus = Directory.CreateTempSubdirectory("edison-cpus-");

    [Fact]
    public void Two_hardware_threads_per_core_count_as_one_core()
    {
        WriteCpus(("0", "0,4"), ("1", "1,5"), ("2", "2,6"), ("3", "3,7"), ("4", "0,4"), ("5", "1,5"), ("6", "2,6"), ("7", "3,7"));

        Assert.Equal(4, ProcessorCores.Physical(_cpus.FullName, processorCount: 8));
    }

    [Fact]
    public void Without_hardware_threads_every_processor_is_a_core()
    {
        WriteCpus(("0", "0"), ("1", "1"));

        Assert.Equal(2, ProcessorCores.Physical(_cpus.FullName, processorCount: 2));
    }

    [Fact]
    public void A_process_allowed_fewer_processors_than_the_machine_has_uses_no_more_than_it_may()
    {
        WriteCpus(("0", "0"), ("1", "1"), ("2", "2"), ("3", "3"));

        Assert.Equal(2, ProcessorCores.Physical(_cpus.FullName, processorCount: 2));
    }

    [Fact]
    public void Offline_processors_and_other_folders_do_not_count()
    {
        WriteCpus(("0", "0-1"), ("1", "0-1"));
        Directory.CreateDirectory(Path.Combine(_cpus.FullName, "cpu2"));
        Directory.CreateDirectory(Path.Combine(_cpus.FullName, "cpufreq", "topology"));

        Assert.Equal(1, ProcessorCores.Physical(_cpus.FullName, processorCount: 2));
    }

    [Fact]
    public void Without_a_topology_to_read_two_hardware_threads_per_core_are_assumed()
    {
        var missing = Path.Combine(_cpus.FullName, "missing");

        Assert.Equal(4, ProcessorCores.Physical(missing, processorCount: 8));
        Assert.Equal(1, ProcessorCores.Physical(missing, processorCount: 1));
    }

    public void Dispose() => _cpus.Delete(recursive: true);

    private void WriteCpus(params (string Cpu, string Siblings)[] cpus)
    {
        foreach (var (cpu, siblings) in cpus)
        {
            var topology = Directory.CreateDirectory(Path.Combine(_cpus.FullName, "cpu" + cpu, "topology"));
            File.WriteAllText(Path.Combine(topology.FullName, "thread_siblings_list"), siblings + "\n");
        }
    }
}
