using HybridLogging.Internal;
using HybridLogging.Tests.Kit;

namespace HybridLogging.Tests;

/// <summary>
/// Chunks keep their buffers in a bounded pool of their own, so the dispatcher's renting and the destinations' releasing
/// allocate nothing while no more chunks are in flight than the pool holds. Runs alone: the pool is process-wide.
/// </summary>
[Collection(AllocationCollection.Name)]
public sealed class ChunkPoolTests
{
    private static readonly byte[] Line = "{\"n\":1}\n"u8.ToArray();

    [Fact]
    public void As_many_chunks_in_flight_as_the_pool_holds_are_rented_and_released_without_allocating()
    {
        // More than the shared array pool keeps of one size on a small machine (32 per core), which it used to run dry.
        var inFlight = new Utf8Chunk[Utf8Chunk.PoolCapacity];
        var info = ChunkHandOffTests.Info();

        var allocated = ThreadAllocations.Of(() =>
        {
            for (var i = 0; i < inFlight.Length; i++)
            {
                var chunk = inFlight[i] = Utf8Chunk.Rent();
                var start = chunk.Length;
                chunk.Write(Line);
                chunk.CompleteRecord(start, info);
            }

            foreach (var chunk in inFlight)
            {
                chunk.Release();
            }
        });

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void A_chunk_released_after_a_large_entry_grew_it_does_not_keep_the_grown_buffer()
    {
        var chunk = Utf8Chunk.Rent();
        var start = chunk.Length;
        chunk.Write(new byte[Utf8Chunk.InitialBytes + 1]);
        chunk.CompleteRecord(start, ChunkHandOffTests.Info());
        var grown = chunk.GetMemory(0);
        chunk.Release();

        var rented = Enumerable.Range(0, Utf8Chunk.PoolCapacity + 1).Select(_ => Utf8Chunk.Rent()).ToList();
        try
        {
            Assert.DoesNotContain(rented, c => c.GetMemory(0).Span.Overlaps(grown.Span));
            Assert.All(rented, c => Assert.True(c.GetMemory(0).Length >= Utf8Chunk.InitialBytes));
        }
        finally
        {
            rented.ForEach(c => c.Release());
        }
    }
}
