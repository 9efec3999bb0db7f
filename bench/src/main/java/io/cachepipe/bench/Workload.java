package io.cachepipe.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The read workload over the demo catalog's declared views: Zipf-distributed keys per endpoint, and
 * a mixed endpoint that draws from the others the way a storefront's traffic would.
 *
 * @param products   products seeded, ids 1..products
 * @param categories categories seeded, ids 1..categories; products are spread evenly over them
 */
record Workload(int products, int categories, double exponent, List<Endpoint> endpoints) {
    /** Items per listing page, as the catalog's {@code category-products} view declares. */
    static final int PAGE_SIZE = 20;

    /** One route under load: its name in reports, the view it reads, and how to pick the next path. */
    record Endpoint(String name, String view, String route, LoadGenerator.Paths paths) {
    }

    static Workload catalog(int products, int categories, double exponent) {
        int pages = pages(products, categories);
        var productKeys = new Zipf(products, exponent, 1);
        var reviewKeys = new Zipf(products, exponent, 2);
        var categoryKeys = new Zipf(categories, exponent, 3);
        var listingKeys = new Zipf(categories * pages, exponent, 4);
        List<Endpoint> endpoints = new ArrayList<>();
        var product = new Endpoint("product", "product", "/products/{id}",
                random -> "/products/" + (productKeys.next(random) + 1));
        var listing = new Endpoint("listing", "category-products", "/categories/{id}/products?page={n}", random -> {
            int item = listingKeys.next(random);
            return "/categories/" + (item / pages + 1) + "/products?page=" + (item % pages + 1);
        });
        var category = new Endpoint("category", "category", "/categories/{id}",
                random -> "/categories/" + (categoryKeys.next(random) + 1));
        var reviews = new Endpoint("reviews", "product-reviews", "/products/{id}/reviews/summary",
                random -> "/products/" + (reviewKeys.next(random) + 1) + "/reviews/summary");
        endpoints.add(product);
        endpoints.add(listing);
        endpoints.add(category);
        endpoints.add(reviews);
        endpoints.add(new Endpoint("mixed", "*", "50% product, 25% listing, 15% category, 10% reviews", random -> {
            double u = random.nextDouble();
            return (u < 0.50 ? product : u < 0.75 ? listing : u < 0.90 ? category : reviews).paths().next(random);
        }));
        return new Workload(products, categories, exponent, List.copyOf(endpoints));
    }

    /** Listing pages per category when the products are spread evenly. */
    int pagesPerCategory() {
        return pages(products, categories);
    }

    private static int pages(int products, int categories) {
        return Math.max(1, (int) Math.ceil((double) products / categories / PAGE_SIZE));
    }

    /** Every path of every single-view endpoint once: a full warm-up of the cache. */
    List<String> everyPath() {
        List<String> paths = new ArrayList<>();
        for (int id = 1; id <= products; id++) {
            paths.add("/products/" + id);
            paths.add("/products/" + id + "/reviews/summary");
        }
        for (int id = 1; id <= categories; id++) {
            paths.add("/categories/" + id);
            for (int page = 1; page <= pagesPerCategory(); page++) {
                paths.add("/categories/" + id + "/products?page=" + page);
            }
        }
        return paths;
    }

    Endpoint endpoint(String name) {
        return endpoints.stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no endpoint " + name));
    }
}
