namespace Edison.Core.Llama;

public enum ModelState
{
    Loading,
    Ready,
    Failed,
}
